/**
 * The pane's side of a split's hand-off over a real BroadcastChannel (Node's): an ask is answered only when it
 * matches exactly one message still waiting, an acknowledgement counts only for a message handed over, and what
 * is not shaped like the protocol is ignored.
 */
import { HAND_OFF_CHANNEL, type Ask, type Give } from '../../src/outlook/hand-off';
import { handOffDesk } from '../../src/outlook/hand-off-desk';

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
  channel.postMessage({ type: 'ack', handOff: 'someone-else', missing: [], bodyMissing: false });
  channel.postMessage({ type: 'ack', handOff, missing: 'all' });
  await settle();
  expect(heard).toHaveLength(1);
  channel.postMessage({ type: 'ack', handOff, missing: [], bodyMissing: false });
  await expect(waiting.answer).resolves.toEqual({ type: 'ack', handOff, missing: [], bodyMissing: false });
  channel.close();
});
