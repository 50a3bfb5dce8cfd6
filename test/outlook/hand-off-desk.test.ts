/**
 * The pane's side of a split's hand-off over a real BroadcastChannel (Node's): an ask is answered only when it
 * matches exactly one message still waiting, an acknowledgement counts only for a message handed over, and what
 * is not shaped like the protocol is ignored.
 */
import { HAND_OFF_CHANNEL, isGive, type Ask, type Give } from '../../src/outlook/hand-off';
import { handOffDesk } from '../../src/outlook/hand-off-desk';
import { NOTES_KEY, type NoteStore } from '../../src/outlook/hand-off-notes';
import { ManualClock } from '../helpers/clock';

const OPENED = { to: ['bo@partner.example'], cc: [], bcc: [], subject: 'Contract' };
const HANDING = { attachments: [{ name: 'contract.pdf', base64: 'JVBERg==', inline: false }] };
const ask = (id: string, changes: Partial<Ask> = {}): Ask => ({
  type: 'ask',
  ask: id,
  ...OPENED,
  ...changes,
});

/** A new message's end of the channel: what it heard, and a way to post. */
function newMessageEnd() {
  const channel = new BroadcastChannel(HAND_OFF_CHANNEL);
  const heard: unknown[] = [];
  channel.addEventListener('message', (event) => heard.push((event as MessageEvent).data));
  return { channel, heard };
}

const ACK = { type: 'ack', missing: [], bodyMissing: false, classificationMissing: false };

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

test('an ask matching two waiting messages gets nothing, and both are given up at their deadline', async () => {
  const desk = handOffDesk();
  const first = desk.expect(OPENED, HANDING, ['contract.pdf'], 300);
  const second = desk.expect(OPENED, HANDING, ['contract.pdf'], 300);
  const { channel, heard } = newMessageEnd();
  channel.postMessage(ask('a1'));
  await expect(Promise.all([first.answer, second.answer])).resolves.toEqual([undefined, undefined]);
  expect(heard).toEqual([]);
  channel.close();
});

test('one match is given what it asked for once; only its own acknowledgement settles it', async () => {
  const desk = handOffDesk();
  const waiting = desk.expect(OPENED, HANDING, ['contract.pdf'], 2000);
  const { channel, heard } = newMessageEnd();
  channel.postMessage({ type: 'ask', ask: 'a0', to: 'bo@partner.example' });
  channel.postMessage(ask('a1', { to: ['Bo@Partner.Example'] }));
  await settle();
  expect(heard).toEqual([{ type: 'give', ask: 'a1', handOff: expect.any(String), ...HANDING }]);
  const { handOff } = heard[0] as Give;
  // Asked again (say, by another window with the same fields): nothing more is handed over.
  channel.postMessage(ask('a2'));
  channel.postMessage({ ...ACK, handOff: 'someone-else' });
  channel.postMessage({ type: 'ack', handOff, missing: 'all' });
  await settle();
  expect(heard).toHaveLength(1);
  // An acknowledgement from before the classification was handed over is not one.
  channel.postMessage({ type: 'ack', handOff, missing: [], bodyMissing: false });
  channel.postMessage({ ...ACK, handOff });
  await expect(waiting.answer).resolves.toEqual({ ...ACK, handOff });
  channel.close();
});

test('the classification alone is handed over and noted; a give whose classification is no policy name is none', async () => {
  const saved = new Map<string, string>();
  const notes: NoteStore = {
    getItem: (key) => saved.get(key) ?? null,
    setItem: (key, value) => void saved.set(key, value),
  };
  const desk = handOffDesk({
    channel: () => new BroadcastChannel(HAND_OFF_CHANNEL),
    newId: () => 'hand-off-1',
    notes,
    clock: new ManualClock(),
  });
  const handing = { attachments: [], classification: 'restricted' };
  const waiting = desk.expect(OPENED, handing, [], 2000);
  expect(JSON.parse(saved.get(NOTES_KEY)!)).toEqual([
    expect.objectContaining({ id: 'hand-off-1', things: [], classification: 'restricted' }),
  ]);
  const { channel, heard } = newMessageEnd();
  channel.postMessage(ask('a1'));
  await settle();
  expect(heard).toEqual([{ type: 'give', ask: 'a1', handOff: 'hand-off-1', ...handing }]);
  expect(isGive(heard[0])).toBe(true);
  // It goes into a header as it is: anything but a classification name is not a give.
  for (const classification of ['restricted\r\nBcc: eve@evil.example', 'Restricted', '', 7])
    expect(isGive({ ...(heard[0] as Give), classification })).toBe(false);
  channel.postMessage({ ...ACK, handOff: 'hand-off-1', classificationMissing: true, why: 'no headers' });
  await expect(waiting.answer).resolves.toMatchObject({ classificationMissing: true });
  expect(JSON.parse(saved.get(NOTES_KEY)!)).toEqual([]);
  channel.close();
});
