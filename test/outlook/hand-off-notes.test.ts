/**
 * The notes a pane leaves of the hand-offs it waits for: a new message's check asks on the channel only for a
 * message noted, and lapsed notes (with their recipients and subjects) are removed whenever the notes are read.
 */
import { HAND_OFF_CHANNEL } from '../../src/outlook/hand-off';
import { handOffDesk } from '../../src/outlook/hand-off-desk';
import { keepNote, NOTES_KEY, noted, type Note } from '../../src/outlook/hand-off-notes';
import { ManualClock } from '../helpers/clock';
import { ManualTimers } from '../helpers/timers';
import { memoryNotes } from './memory-notes';

const OPENED = { to: ['bo@partner.example'], cc: [], bcc: ['ann@x.example'], subject: 'Contract' };

const note = (id: string, until: number, changes: Partial<Note> = {}): Note => ({
  id,
  ...OPENED,
  things: ['contract.pdf'],
  until,
  ...changes,
});

test('a message is noted only by a note for its recipients and subject that has not lapsed', () => {
  const clock = new ManualClock();
  const notes = memoryNotes();
  keepNote(notes, clock, note('n1', clock.now() + 1000));
  expect(noted(notes, clock, { ...OPENED, to: ['Bo@Partner.Example'] })).toBe(true);
  expect(noted(notes, clock, { ...OPENED, subject: 'Minutes' })).toBe(false);
  expect(noted(notes, clock, { ...OPENED, bcc: [] })).toBe(false);
  clock.advance(1000);
  expect(noted(notes, clock, OPENED)).toBe(false);
});

test('reading the notes removes the lapsed and the damaged ones, so that no recipients linger', () => {
  const clock = new ManualClock();
  const notes = memoryNotes();
  const current = note('current', clock.now() + 1);
  notes.setItem(
    NOTES_KEY,
    JSON.stringify([note('lapsed', clock.now(), { subject: 'Old news' }), { id: 'damaged' }, current]),
  );
  expect(noted(notes, clock, { ...OPENED, subject: 'Old news' })).toBe(false);
  expect(notes.stored()).toEqual([current]);
  // Nothing to remove: the stored value is left as it is.
  const writes = jest.spyOn(notes, 'setItem');
  expect(noted(notes, clock, OPENED)).toBe(true);
  expect(writes).not.toHaveBeenCalled();
});

test('a desk noting a new hand-off removes the notes whose deadline passed', async () => {
  const clock = new ManualClock();
  const notes = memoryNotes();
  let ids = 0;
  const desk = handOffDesk({
    channel: () => new BroadcastChannel(HAND_OFF_CHANNEL),
    newId: () => `hand-off-${++ids}`,
    notes,
    clock,
    after: new ManualTimers().after,
  });
  // Left by a pane that was closed before its deadline: nothing dropped it.
  keepNote(notes, clock, note('left-behind', clock.now() + 60_000, { subject: 'Old news' }));
  clock.advance(60_000);
  const waiting = desk.expect(OPENED, { attachments: [] }, ['contract.pdf'], 5000);
  expect(notes.stored()!.map((n) => [n.id, n.subject])).toEqual([['hand-off-1', 'Contract']]);
  waiting.cancel();
  await expect(waiting.answer).resolves.toBeUndefined();
  expect(notes.stored()).toEqual([]);
});
