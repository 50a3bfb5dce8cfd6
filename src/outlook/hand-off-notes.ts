/**
 * Notes of the hand-offs a pane is waiting for, kept in the add-in origin's local storage, which the new message's
 * check shares wherever it shares the hand-off's channel. A note tells a new message's check that a pane may be
 * waiting for it: only then does the check ask on the channel (and wait for an answer), so every other new
 * message's check completes at once. A pane answers its new messages itself; a note is also for when it cannot any
 * more (the sender closed the message they split, and its pane with it): the new message's check then finds no
 * answer but the note, writes the classification the sender chose that the note holds, and tells the sender in that
 * message what to add by hand. A note lapses at the pane's deadline, after which the pane would have told the
 * sender itself; lapsed notes are removed whenever the notes are read, so that no recipients or subjects linger.
 */
import type { Clock } from '../core/clock';
import { isAddressed, isClassification, sameMessage, type Addressed } from './hand-off';

export const NOTES_KEY = 'sendguard-split-hand-offs';

export interface Note extends Addressed {
  id: string;
  /** What the message was to be handed, as the sender knows it ("contract.pdf", "the message text"). */
  things: string[];
  /** The classification the sender chose, which the message was to be handed. */
  classification?: string;
  /** Epoch ms after which the note no longer counts. */
  until: number;
}

export type NoteStore = Pick<Storage, 'getItem' | 'setItem'>;

/** The browser's local storage where there is one the add-in may use; none in classic Outlook's JavaScript runtime. */
export function localNotes(): NoteStore | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    // A page denied storage throws on reading the property.
    return undefined;
  }
}

const isNote = (value: unknown): value is Note => {
  if (typeof value !== 'object' || value === null) return false;
  const note = value as Record<string, unknown>;
  return (
    typeof note.id === 'string' &&
    typeof note.until === 'number' &&
    Array.isArray(note.things) &&
    note.things.every((thing) => typeof thing === 'string') &&
    isClassification(note.classification) &&
    isAddressed(note)
  );
};

/** Everything stored under the key; nothing when it is missing or damaged. */
function stored(store: NoteStore): unknown[] {
  try {
    const value: unknown = JSON.parse(store.getItem(NOTES_KEY) ?? '[]');
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

/** The notes not yet lapsed; what lapsed or is damaged is removed from the store. */
function current(store: NoteStore, clock: Clock): Note[] {
  const all = stored(store);
  const notes = all.filter(isNote).filter((note) => note.until > clock.now());
  if (notes.length < all.length) write(store, notes);
  return notes;
}

/**
 * A store that refuses a write (full, or denied) leaves the new message not asking, and the pane to tell the sender
 * at its deadline what to add by hand.
 */
function write(store: NoteStore, notes: Note[]): void {
  try {
    store.setItem(NOTES_KEY, JSON.stringify(notes));
  } catch {
    // Nothing to do: the pane still waits and answers.
  }
}

export function keepNote(store: NoteStore, clock: Clock, note: Note): void {
  write(store, [...current(store, clock).filter((n) => n.id !== note.id), note]);
}

export function dropNote(store: NoteStore, clock: Clock, id: string): void {
  write(
    store,
    current(store, clock).filter((n) => n.id !== id),
  );
}

/** Whether a pane is waiting for a message with these recipients and subject (a note for it has not lapsed). */
export function noted(store: NoteStore, clock: Clock, message: Addressed): boolean {
  return current(store, clock).some((n) => sameMessage(message, n));
}

/** The note for the message that asked, taken (so that it warns once); `undefined` when there is none. */
export function takeNote(store: NoteStore, clock: Clock, asked: Addressed): Note | undefined {
  const note = current(store, clock).find((n) => sameMessage(asked, n));
  if (note) dropNote(store, clock, note.id);
  return note;
}
