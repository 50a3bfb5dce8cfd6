/**
 * The sender's list of their messages says who proved they are a recipient (`verifiedAt`) apart from who opened
 * the message (`openedAt`: the first time the server released its keys to them), so the pane says "opened" only
 * after a real open.
 */
import type { MessageSummary } from '../../src/core/escrow/wire';
import { escrowSample, pickupByCode, recordingMailer, startEscrowServer, type EscrowServer } from './harness';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
});
afterEach(() => server.close());

async function listed(id: string): Promise<MessageSummary['recipients']> {
  const response = await fetch(`${server.apiBase}/messages`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const { messages } = (await response.json()) as { messages: MessageSummary[] };
  return messages.find((m) => m.id === id)!.recipients;
}

test('openedAt is the first open: not set by proving a recipient, not moved by opening again', async () => {
  const recipients = ['bob@partner.test', 'carol@partner.test'].map((address) => ({
    address,
    proof: 'code' as const,
  }));
  const sent = await escrowSample(server, { recipients });
  const bob = await pickupByCode(server, mailer, sent, 'bob@partner.test');
  const verifiedAt = new Date(server.clock.now()).toISOString();
  expect(await listed(sent.id)).toEqual([
    { address: 'bob@partner.test', proof: 'code', state: 'active', verifiedAt },
    { address: 'carol@partner.test', proof: 'code', state: 'active' },
  ]);

  server.clock.advance(60_000);
  const openedAt = new Date(server.clock.now()).toISOString();
  await bob.open();
  server.clock.advance(60_000);
  await bob.open();
  expect(await listed(sent.id)).toEqual([
    { address: 'bob@partner.test', proof: 'code', state: 'active', verifiedAt, openedAt },
    { address: 'carol@partner.test', proof: 'code', state: 'active' },
  ]);
  // The same answer for one message.
  const one = await fetch(`${server.apiBase}/messages/${sent.id}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  expect(((await one.json()) as MessageSummary).recipients[0]).toMatchObject({ openedAt });
});
