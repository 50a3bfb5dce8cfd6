/**
 * The pane's side of a split's hand-off over a real BroadcastChannel (Node's): an ask is answered only when it
 * matches exactly one message still waiting, an acknowledgement counts only for a message handed over, and what
 * is not shaped like the protocol is ignored. Nothing here waits for a while and then looks: what the desk did not
 * answer is shown by what it answered next, since one channel delivers its messages in the order they were posted.
 */
import { HAND_OFF_CHANNEL, isGive, type Ask, type Give } from '../../src/outlook/hand-off';
import { deskDeps, handOffDesk } from '../../src/outlook/hand-off-desk';
import { ManualClock } from '../helpers/clock';
import { ManualTimers } from '../helpers/timers';
import { memoryNotes } from './memory-notes';

const OPENED = { to: ['bo@partner.example'], cc: [], bcc: [], subject: 'Contract' };
/** Another message the desk waits for: the ask for it is answered, and marks that the asks before it were read. */
const OTHER = { ...OPENED, subject: 'Minutes' };
const HANDING = { attachments: [{ name: 'contract.pdf', base64: 'JVBERg==', inline: false }] };
const ask = (id: string, changes: Partial<Ask> = {}): Ask => ({
  type: 'ask',
  ask: id,
  ...OPENED,
  ...changes,
});

/** The new messages' ends of the channel, closed after each test, passed or failed. */
const ends: BroadcastChannel[] = [];
afterEach(() => ends.splice(0).forEach((end) => end.close()));

/** A new message's end of the channel: what it heard, a way to post, and to wait until it hears a give. */
function newMessageEnd() {
  const channel = new BroadcastChannel(HAND_OFF_CHANNEL);
  ends.push(channel);
  const heard: unknown[] = [];
  const waiters: Array<() => void> = [];
  channel.addEventListener('message', (event) => {
    heard.push((event as MessageEvent).data);
    waiters.splice(0).forEach((wake) => wake());
  });
  /** Resolves with the give answering `askId`, once heard. */
  const givenTo = async (askId: string): Promise<Give> => {
    for (;;) {
      const found = heard.find((data): data is Give => isGive(data) && data.ask === askId);
      if (found) return found;
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  return { channel, heard, givenTo };
}

const ACK = { type: 'ack', missing: [], bodyMissing: false, classificationMissing: false };

test('an ask matching two waiting messages gets nothing, and both are given up at their deadline', async () => {
  const timers = new ManualTimers();
  const desk = handOffDesk({ ...deskDeps(), after: timers.after });
  const first = desk.expect(OPENED, HANDING, ['contract.pdf'], 300);
  const second = desk.expect(OPENED, HANDING, ['contract.pdf'], 300);
  const other = desk.expect(OTHER, HANDING, ['contract.pdf'], 300);
  const { channel, heard, givenTo } = newMessageEnd();
  channel.postMessage(ask('a1'));
  channel.postMessage(ask('m1', OTHER));
  const marker = await givenTo('m1');
  expect(heard).toEqual([marker]);
  expect(timers.pending).toBe(3);
  timers.pass();
  await expect(Promise.all([first.answer, second.answer, other.answer])).resolves.toEqual([
    undefined,
    undefined,
    undefined,
  ]);
});

test('one match is given what it asked for once; only its own acknowledgement settles it', async () => {
  const desk = handOffDesk();
  const waiting = desk.expect(OPENED, HANDING, ['contract.pdf'], 5000);
  let settled = false;
  void waiting.answer.then(() => (settled = true));
  const other = desk.expect(OTHER, HANDING, ['contract.pdf'], 5000);
  const { channel, heard, givenTo } = newMessageEnd();
  channel.postMessage({ type: 'ask', ask: 'a0', to: 'bo@partner.example' });
  channel.postMessage(ask('a1', { to: ['Bo@Partner.Example'] }));
  const given = await givenTo('a1');
  expect(heard).toEqual([{ type: 'give', ask: 'a1', handOff: expect.any(String), ...HANDING }]);
  const { handOff } = given;
  // Asked again (say, by another window with the same fields): nothing more is handed over.
  channel.postMessage(ask('a2'));
  channel.postMessage({ ...ACK, handOff: 'someone-else' });
  channel.postMessage({ type: 'ack', handOff, missing: 'all' });
  // An acknowledgement from before the classification was handed over is not one.
  channel.postMessage({ type: 'ack', handOff, missing: [], bodyMissing: false });
  channel.postMessage(ask('m1', OTHER));
  const marker = await givenTo('m1');
  expect(heard).toEqual([given, marker]);
  expect(settled).toBe(false);
  channel.postMessage({ ...ACK, handOff });
  await expect(waiting.answer).resolves.toEqual({ ...ACK, handOff });
  channel.postMessage({ ...ACK, handOff: marker.handOff });
  await expect(other.answer).resolves.toEqual({ ...ACK, handOff: marker.handOff });
});

test('the classification alone is handed over and noted; a give whose classification is no policy name is none', async () => {
  const notes = memoryNotes();
  const desk = handOffDesk({
    channel: () => new BroadcastChannel(HAND_OFF_CHANNEL),
    newId: () => 'hand-off-1',
    notes,
    clock: new ManualClock(),
    after: new ManualTimers().after,
  });
  const handing = { attachments: [], classification: 'restricted' };
  const waiting = desk.expect(OPENED, handing, [], 5000);
  expect(notes.stored()).toEqual([
    expect.objectContaining({ id: 'hand-off-1', things: [], classification: 'restricted' }),
  ]);
  const { channel, heard, givenTo } = newMessageEnd();
  channel.postMessage(ask('a1'));
  const given = await givenTo('a1');
  expect(heard).toEqual([{ type: 'give', ask: 'a1', handOff: 'hand-off-1', ...handing }]);
  // It goes into a header as it is: anything but a classification name is not a give.
  for (const classification of ['restricted\r\nBcc: eve@evil.example', 'Restricted', '', 7])
    expect(isGive({ ...given, classification })).toBe(false);
  channel.postMessage({ ...ACK, handOff: 'hand-off-1', classificationMissing: true, why: 'no headers' });
  await expect(waiting.answer).resolves.toMatchObject({ classificationMissing: true });
  expect(notes.stored()).toEqual([]);
});
