/**
 * Attacks on secure pickup's limits, one regression test each: what a stranger holding the link (and knowing a
 * recipient's address) must not be able to do to the real recipient, and how address rotation is counted.
 * Requests go through the real routes; `inject` sets the client address where an attack depends on it.
 */
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { parseFragment } from '../../src/core/escrow/link';
import type { EscrowSettingsInput } from '../../src/server/config/escrow';
import { PickupClient } from '../../src/portal/pickup-client';
import { cookieFetch, escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

async function start(config: EscrowSettingsInput = {}, passcode?: string): Promise<EscrowedMessage> {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer, config });
  return escrowSample(
    server,
    passcode ? { passcode, recipients: [{ address: 'bob@partner.test', proof: 'passcode' }] } : {},
  );
}
afterEach(() => server.close());

function pickup(sent: EscrowedMessage): PickupClient {
  return new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
}

/** One pickup request from a chosen client address. */
function from(remoteAddress: string, sent: EscrowedMessage, path: string, body: unknown) {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/escrow/pickup/${sent.id}${path}`,
    remoteAddress,
    headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
    payload: JSON.stringify(body),
  });
}

const codesTo = (address: string) => mailer.sent.filter((m) => m.to === address).length;

test('attack: hammering /open while rate-limited counts no wrong passcode, so the right one still opens', async () => {
  const withPasscode = await start({ perIp: { max: 3, windowMs: 60_000 } }, 'correct horse');
  const recipient = pickup(withPasscode);
  await recipient.requestCode('bob@partner.test');
  await recipient.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
  // One wrong passcode (no proof at all), then 20 more from the limited network: refused before anything is
  // compared or counted.
  await expect(recipient.open()).rejects.toMatchObject({ code: 'ESCROW_PASSCODE_REJECTED' });
  for (let i = 0; i < 20; i++)
    await expect(recipient.open()).rejects.toMatchObject({ code: 'ESCROW_RATE_LIMITED', status: 429 });
  server.clock.advance(60_000);
  // Had the 20 refusals counted, 21 wrong passcodes would now make this wait (429 ESCROW_TRY_LATER).
  await expect(recipient.open()).rejects.toMatchObject({ code: 'ESCROW_PASSCODE_REJECTED' });
  expect(codesTo('ann@clinic.test')).toBe(0);
}, 30_000);

test('attack: rotating IPv6 addresses inside one /64 shares one limit; another /64 has its own', async () => {
  const sent = await start({ perIp: { max: 3, windowMs: 60_000 } });
  const statuses: number[] = [];
  for (const address of [
    '2001:db8:1:2::1',
    '2001:db8:1:2::2',
    '2001:db8:1:2:abcd:1234:5678:9abc',
    '2001:db8:1:2:ffff:ffff:ffff:fffe',
    '2001:db8:1:2::5',
  ])
    statuses.push((await from(address, sent, '/code', { address: 'x@y.test' })).statusCode);
  expect(statuses).toEqual([202, 202, 202, 429, 429]);
  // Written differently, same /64.
  expect((await from('2001:0db8:0001:0002::9', sent, '/code', { address: 'x@y.test' })).statusCode).toBe(429);
  expect((await from('2001:db8:1:3::1', sent, '/code', { address: 'x@y.test' })).statusCode).toBe(202);
  // An IPv4-mapped address counts as the IPv4 address.
  for (let i = 0; i < 3; i++) await from('::ffff:192.0.2.9', sent, '/code', { address: 'x@y.test' });
  expect((await from('192.0.2.9', sent, '/code', { address: 'x@y.test' })).statusCode).toBe(429);
});

test('attack: a stranger with the link and the address cannot lock the recipient out for good', async () => {
  const sent = await start({ perIp: { max: 10_000, windowMs: 60_000 }, codesPerRecipientPerHour: 20 });
  // 60 wrong codes: 5 per code, 12 codes, each asked for from the stranger's own network.
  for (let i = 0; i < 12; i++) {
    server.clock.advance(16 * 60_000);
    expect((await from('198.51.100.7', sent, '/code', { address: 'bob@partner.test' })).statusCode).toBe(202);
    for (let t = 0; t < 5; t++)
      await from('198.51.100.7', sent, '/verify', { address: 'bob@partner.test', code: '12345678' });
  }
  // Bob asks from his own network; at most the longest wait later his code opens the message.
  server.clock.advance(10 * 60_000);
  const bob = pickup(sent);
  await bob.requestCode('bob@partner.test');
  const code = mailer.codeFor('bob@partner.test');
  server.clock.advance(5 * 60_000);
  await bob.verify('bob@partner.test', code);
  await bob.open();
  // Success reset the count: one wrong code afterwards does not make the next try wait.
  await bob.requestCode('bob@partner.test');
  await expect(bob.verify('bob@partner.test', '00000000')).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
  await bob.verify('bob@partner.test', mailer.codeFor('bob@partner.test'));
});

test('attack: flooding /code from one network cannot use up the codes the recipient can get', async () => {
  const sent = await start({ perIp: { max: 10_000, windowMs: 60_000 } });
  for (let i = 0; i < 50; i++)
    expect((await from('203.0.113.5', sent, '/code', { address: 'bob@partner.test' })).statusCode).toBe(202);
  expect(codesTo('bob@partner.test')).toBe(3);
  // Same hour, Bob's own network: his request is still served.
  expect((await from('192.0.2.44', sent, '/code', { address: 'bob@partner.test' })).statusCode).toBe(202);
  expect(codesTo('bob@partner.test')).toBe(4);
});

test('attack: 50 guesses sent at once get no more than the 5 tries a code allows', async () => {
  const sent = await start({ perIp: { max: 10_000, windowMs: 60_000 } });
  await from('198.51.100.7', sent, '/code', { address: 'bob@partner.test' });
  const answers = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      from(`198.51.100.${(i % 200) + 1}`, sent, '/verify', {
        address: 'bob@partner.test',
        code: String(10_000_000 + i),
      }),
    ),
  );
  expect(new Set(answers.map((a) => a.statusCode))).toEqual(new Set([400]));
  const audit = await fetch(`${server.apiBase}/messages/${sent.id}/audit`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  const events = ((await audit.json()) as { entries: Array<{ event: string }> }).entries.map((e) => e.event);
  expect(events.filter((e) => e === 'code-failed')).toHaveLength(5);
});
