/**
 * The pane's side of the hand-off (hand-off.ts): the new messages it opened and is waiting on, and the channel it
 * answers their asks on, open only while it waits for one. An ask is given what it asks for only when it matches
 * exactly one message still waiting; once given, or once its deadline passed, a message is answered no more.
 * While it waits, it keeps a note of each (hand-off-notes.ts) for a new message that asks after the pane is gone.
 */
import { systemClock, type Clock } from '../core/clock';
import { timerAfter, type After } from './after';
import { HAND_OFF_CHANNEL, isAck, isAsk, sameMessage, type Ack, type Addressed, type Give } from './hand-off';
import { dropNote, keepNote, localNotes, type NoteStore } from './hand-off-notes';

/** What a message opened for a split hands over. */
export type Handing = Pick<Give, 'attachments' | 'html' | 'classification'>;

interface Waiting {
  opened: Addressed;
  handing: Handing;
  given: boolean;
  /** The new message's answer; `undefined` when none came in time. */
  settle: (ack: Ack | undefined) => void;
}

export interface DeskDeps {
  channel: () => BroadcastChannel;
  newId: () => string;
  /** Where notes of the waiting hand-offs are kept; none: no notes. */
  notes?: NoteStore;
  clock: Clock;
  /** Gives a hand-off up at its deadline. */
  after: After;
}

export const deskDeps = (): DeskDeps => {
  const notes = localNotes();
  return {
    channel: () => new BroadcastChannel(HAND_OFF_CHANNEL),
    newId: () => crypto.randomUUID(),
    ...(notes ? { notes } : {}),
    clock: systemClock,
    after: timerAfter,
  };
};

export interface HandOffDesk {
  /**
   * Waits for the message `opened` to ask, hands it `handing` (`things`, as the sender knows what it holds besides
   * the classification), and resolves
   * with its acknowledgement, or with `undefined` when none came within `deadlineMs`. `cancel` stops waiting
   * (Outlook did not open the message).
   */
  expect(
    opened: Addressed,
    handing: Handing,
    things: string[],
    deadlineMs: number,
  ): { answer: Promise<Ack | undefined>; cancel(): void };
}

export function handOffDesk(deps: DeskDeps = deskDeps()): HandOffDesk {
  const waiting = new Map<string, Waiting>();
  let channel: BroadcastChannel | undefined;

  function heard(data: unknown): void {
    if (isAsk(data)) {
      const matching = [...waiting.entries()].filter(([, w]) => !w.given && sameMessage(data, w.opened));
      if (matching.length !== 1) return;
      const [handOff, found] = matching[0]!;
      found.given = true;
      const give: Give = { type: 'give', ask: data.ask, handOff, ...found.handing };
      channel?.postMessage(give);
    } else if (isAck(data)) {
      const found = waiting.get(data.handOff);
      if (found?.given) found.settle(data);
    }
  }

  return {
    expect(opened, handing, things, deadlineMs) {
      const handOff = deps.newId();
      const { notes, clock } = deps;
      const { to, cc, bcc, subject } = opened;
      if (notes)
        keepNote(notes, clock, {
          id: handOff,
          to,
          cc,
          bcc,
          subject,
          things,
          ...(handing.classification !== undefined ? { classification: handing.classification } : {}),
          until: clock.now() + deadlineMs,
        });
      if (!channel) {
        channel = deps.channel();
        channel.addEventListener('message', (event) => heard((event as MessageEvent).data));
      }
      let stopTimer: (() => void) | undefined;
      const answer = new Promise<Ack | undefined>((resolve) => {
        const settle = (ack: Ack | undefined) => {
          stopTimer?.();
          waiting.delete(handOff);
          if (notes) dropNote(notes, clock, handOff);
          if (waiting.size === 0) {
            channel?.close();
            channel = undefined;
          }
          resolve(ack);
        };
        waiting.set(handOff, { opened, handing, given: false, settle });
        stopTimer = deps.after(deadlineMs, () => settle(undefined));
      });
      return { answer, cancel: () => waiting.get(handOff)?.settle(undefined) };
    },
  };
}
