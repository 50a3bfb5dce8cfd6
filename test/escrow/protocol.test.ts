/**
 * The escrow protocol end to end in Node, over real HTTP: the add-in library escrows, the portal's client picks
 * up (same code as in the page), with mail recorded. The browser test repeats the main path in Chromium with
 * real SMTP; this file covers every refusal quickly.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escrowMessage, type EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { parseFragment } from '../../src/core/escrow/link';
import { PickupClient, SenderClient } from '../../src/portal/pickup-client';
import {
  cookieFetch,
  escrowSample,
  nodeFetch,
  recordingMailer,
  startEscrowServer,
  type EscrowServer,
} from './harness';

const SECRET_BODY = 'Diagnosis for patient 4711: confidential-plaintext-marker';
const ATTACHMENT = randomBytes(300_000);

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let secretsMade: Uint8Array[];

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer, config: { perIp: { max: 1000, windowMs: 60_000 } } });
  secretsMade = [];
});
afterEach(() => server.close());

async function escrow(extra: { passcode?: string } = {}): Promise<EscrowedMessage> {
  const proof = extra.passcode ? 'passcode' : 'code';
  return escrowMessage({
    backendUrl: server.url,
    token: server.token,
    sender: { name: 'Dr. Ann Lee', address: 'ann@clinic.test' },
    message: {
      subject: 'Lab results',
      html: `<p>${SECRET_BODY}</p>`,
      text: SECRET_BODY,
      attachments: [
        { name: 'results.pdf', type: 'application/pdf', data: new Blob([ATTACHMENT]) },
        { name: 'empty.txt', type: 'text/plain', data: new ArrayBuffer(0) },
      ],
    },
    recipients: ['Bob@Partner.test', 'carol@partner.test'].map((address) => ({ address, proof })),
    expiryDays: 7,
    ...(extra.passcode ? { passcode: extra.passcode } : {}),
    random: (n) => {
      const bytes = new Uint8Array(randomBytes(n));
      secretsMade.push(bytes);
      return bytes;
    },
  });
}

function recipient(sent: EscrowedMessage): PickupClient {
  return new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
}

async function verified(sent: EscrowedMessage, address = 'bob@partner.test'): Promise<PickupClient> {
  const client = recipient(sent);
  await client.requestCode(address);
  await client.verify(address, mailer.codeFor(address));
  return client;
}

async function auditEvents(id: string): Promise<string[]> {
  const response = await fetch(`${server.apiBase}/messages/${id}/audit`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  return ((await response.json()) as { entries: Array<{ event: string }> }).entries.map((e) => e.event);
}

test('a recipient verifies by code, reads the message and both attachments byte-identical', async () => {
  const progress: number[] = [];
  const sent = await escrowMessage({
    backendUrl: server.url,
    token: server.token,
    sender: { name: 'Ann', address: 'ann@clinic.test' },
    message: {
      subject: 'S',
      html: '<b>hi</b>',
      text: 'hi',
      attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: ATTACHMENT }],
    },
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 1,
    onProgress: (done) => progress.push(done),
  });
  expect(progress.at(-1)).toBeGreaterThan(ATTACHMENT.length);
  expect(sent.notice.text).toContain(sent.pickupUrl);
  expect(sent.notice.text).toContain('Ann <ann@clinic.test> sent you an encrypted message');
  expect(sent.pickupUrl).toMatch(new RegExp(`^${server.url}/pickup/#r1\\.`));

  const client = await verified(sent);
  const opened = await client.open();
  expect(opened.manifest.subject).toBe('S');
  expect(Buffer.from(await (await client.attachment(0)).arrayBuffer()).equals(ATTACHMENT)).toBe(true);
  expect(await auditEvents(sent.id)).toEqual(['created', 'code-sent', 'verified', 'viewed', 'downloaded']);
});

test('the code mail names the sender and the time it is valid; addresses compare case-insensitively', async () => {
  const sent = await escrow();
  await recipient(sent).requestCode('  BOB@partner.TEST ');
  expect(mailer.sent).toHaveLength(1);
  expect(mailer.sent[0]!.to).toBe('bob@partner.test');
  expect(mailer.sent[0]!.text).toMatch(/Your code is \d{8}\n/);
  expect(mailer.sent[0]!.subject).toContain('Dr. Ann Lee');
});

test('pre-fetching the link (GET) changes nothing: no code, no audit entry, no lock', async () => {
  const sent = await escrow();
  const before = await auditEvents(sent.id);
  for (let i = 0; i < 20; i++) {
    expect((await fetch(`${server.apiBase}/pickup/${sent.id}`)).status).toBe(200);
    expect((await fetch(sent.pickupUrl)).status).toBe(200);
  }
  expect(await auditEvents(sent.id)).toEqual(before);
  expect(mailer.sent).toHaveLength(0);
  await (await verified(sent)).open();
});

test('a forwarded link without the code gets nothing, and every failure looks the same', async () => {
  const sent = await escrow();
  const stranger = recipient(sent);
  await stranger.requestCode('mallory@evil.test');
  expect(mailer.sent).toHaveLength(0);
  const failures: Error[] = await Promise.all([
    stranger.verify('mallory@evil.test', '12345678').then(
      () => new Error('accepted'),
      (e: Error) => e,
    ),
    stranger.verify('bob@partner.test', '12345678').then(
      () => new Error('accepted'),
      (e: Error) => e,
    ), // a recipient, but no code asked
  ]);
  await recipient(sent).requestCode('bob@partner.test');
  failures.push(
    await stranger.verify('bob@partner.test', '00000000').then(
      () => new Error('accepted'),
      (e: Error) => e,
    ),
  );
  expect(new Set(failures.map((e) => `${(e as { code?: string }).code}|${e.message}`)).size).toBe(1);
  expect((failures[0] as unknown as { code: string }).code).toBe('ESCROW_CODE_REJECTED');
  await expect(stranger.open()).rejects.toMatchObject({ code: 'ESCROW_SESSION_INVALID' });
  const blob = await fetch(`${server.apiBase}/pickup/${sent.id}/blobs/1`, {
    headers: { 'x-sendguard-portal': '1' },
  });
  expect(blob.status).toBe(401);
});

test('code guessing: 5 tries burn a code; past 10 wrong codes each try waits, the sender is told at the longest wait', async () => {
  await server.close();
  server = await startEscrowServer({
    mailer,
    config: { codesPerRecipientPerHour: 10, codeMailsPerRecipientPerHour: 20 },
  });
  const sent = await escrow();
  const guesser = recipient(sent);
  for (let round = 0; round < 2; round++) {
    await guesser.requestCode('bob@partner.test');
    for (let i = 0; i < 5; i++)
      await expect(guesser.verify('bob@partner.test', `0000000${i}`)).rejects.toMatchObject({
        code: 'ESCROW_CODE_REJECTED',
      });
  }
  expect(mailer.sent.some((m) => m.to === 'ann@clinic.test')).toBe(false);
  // Wrong code 11 and on: each makes the next wait, doubling from 1 s up to 15 minutes (1 s … 512 s, then 900 s).
  for (let i = 0; i < 11; i++) {
    server.clock.advance(15 * 60_000);
    await guesser.requestCode('bob@partner.test');
    await expect(guesser.verify('bob@partner.test', '99999999')).rejects.toMatchObject({
      code: 'ESCROW_CODE_REJECTED',
    });
  }
  const notices = mailer.sent.filter((m) => m.to === 'ann@clinic.test');
  expect(notices).toHaveLength(1);
  expect(notices[0]!.subject).toContain('many wrong codes or passcodes for bob@partner.test');
  expect(notices[0]!.text).toContain('up to 15 minutes');
  expect(await auditEvents(sent.id)).toContain('longest-wait-reached');
  // Carol is unaffected, and Bob is not locked out: during the wait even his right code is refused (without
  // being used up or counted), after it the same code works.
  await (await verified(sent, 'carol@partner.test')).open();
  server.clock.advance(10 * 60_000);
  await guesser.requestCode('bob@partner.test');
  const code = mailer.codeFor('bob@partner.test');
  await expect(guesser.verify('bob@partner.test', code)).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
  server.clock.advance(5 * 60_000);
  await guesser.verify('bob@partner.test', code);
  await guesser.open();
});

test('a used code does not work twice; an expired code does not work', async () => {
  const sent = await escrow();
  const client = recipient(sent);
  await client.requestCode('bob@partner.test');
  const code = mailer.codeFor('bob@partner.test');
  await client.verify('bob@partner.test', code);
  await expect(recipient(sent).verify('bob@partner.test', code)).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
  await client.requestCode('bob@partner.test');
  server.clock.advance(10 * 60_000 + 1);
  await expect(client.verify('bob@partner.test', mailer.codeFor('bob@partner.test'))).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
});

test('codes per recipient are limited: 3 an hour per client network', async () => {
  const sent = await escrow();
  for (let i = 0; i < 8; i++) await recipient(sent).requestCode('bob@partner.test');
  expect(mailer.sent).toHaveLength(3);
  server.clock.advance(3_600_000);
  await recipient(sent).requestCode('bob@partner.test');
  expect(mailer.sent).toHaveLength(4);
});

test('per-IP limit: beyond it a request is refused with 429 and Retry-After, and nothing is counted', async () => {
  await server.close();
  server = await startEscrowServer({ mailer, config: { perIp: { max: 3, windowMs: 60_000 } } });
  const sent = await escrow();
  const client = recipient(sent);
  await client.requestCode('bob@partner.test');
  await expect(client.verify('bob@partner.test', '1')).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
  await expect(client.verify('bob@partner.test', '2')).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
  const code = mailer.codeFor('bob@partner.test');
  const limited = await fetch(`${server.apiBase}/pickup/${sent.id}/verify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
    body: JSON.stringify({ address: 'bob@partner.test', code }),
  });
  expect(limited.status).toBe(429);
  expect(Number(limited.headers.get('retry-after'))).toBe(60);
  expect(((await limited.json()) as { error: { code: string; message: string } }).error).toEqual({
    code: 'ESCROW_RATE_LIMITED',
    message: 'Too many requests from your network. Wait 60 seconds, then try again.',
  });
  // The refused try neither used the code nor counted: once the window is over, the same code works.
  server.clock.advance(60_000);
  await client.verify('bob@partner.test', code);
});

test('the recipient replies with an attachment; the sender reads their message and the reply through the sender link', async () => {
  const sent = await escrow();
  const client = await verified(sent);
  const { repliesLeft } = await client.open();
  expect(repliesLeft).toBe(5);
  const attached = randomBytes(100_000);
  await client.reply('Thanks, see the signed form.', [
    { name: 'form.pdf', type: 'application/pdf', data: new Blob([attached]) },
  ]);
  const reading = await new SenderClient(parseFragment(new URL(sent.senderUrl).hash), {
    apiBase: server.apiBase,
    fetch: nodeFetch,
  }).read();
  expect(reading.manifest).toMatchObject({ subject: 'Lab results', text: SECRET_BODY });
  expect(Buffer.from(await (await reading.attachment(0)).arrayBuffer()).equals(ATTACHMENT)).toBe(true);
  expect(reading.replies).toHaveLength(1);
  const [reply] = reading.replies;
  if (!reply?.verified) throw new Error('the reply did not verify');
  expect(reply.from).toBe('bob@partner.test');
  expect(reply.text).toBe('Thanks, see the signed form.');
  expect(Buffer.from(await reply.attachments[0]!.blob.arrayBuffer()).equals(attached)).toBe(true);
  // The recipient's link does not open the sender view.
  const wrong = new SenderClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: nodeFetch,
  });
  await expect(wrong.read()).rejects.toMatchObject({ code: 'ESCROW_SESSION_INVALID' });
  expect(await auditEvents(sent.id)).toContain('replied');
});

test('a reply altered on the server is shown as unverified; the message and the other replies still open', async () => {
  const sent = await escrow();
  const client = await verified(sent);
  await client.open();
  await client.reply('first reply', []);
  await client.reply('second reply', []);
  const dir = join(server.dataDir, 'escrow-blobs', sent.id);
  const [first] = readdirSync(dir)
    .filter((name) => name.startsWith('reply-'))
    .sort();
  const path = join(dir, first!);
  const bytes = readFileSync(path);
  bytes[bytes.length - 1]! ^= 1;
  writeFileSync(path, bytes);
  const reading = await new SenderClient(parseFragment(new URL(sent.senderUrl).hash), {
    apiBase: server.apiBase,
    fetch: nodeFetch,
  }).read();
  expect(reading.manifest.subject).toBe('Lab results');
  expect(reading.replies.map((r) => r.verified).sort()).toEqual([false, true]);
  expect(reading.replies.find((r) => !r.verified)).toEqual({
    verified: false,
    from: 'bob@partner.test',
    at: expect.any(String),
  });
});

test('a passcode is a third secret: past 5 wrong passcodes each try waits (429), the right one still opens', async () => {
  const sent = await escrow({ passcode: 'correct horse' });
  const client = await verified(sent);
  const info = await client.info();
  expect(info.passcodeSalt).toBeDefined();
  await expect(client.open({ text: 'wrong', salt: info.passcodeSalt! })).rejects.toMatchObject({
    code: 'ESCROW_PASSCODE_REJECTED',
  });
  await expect(client.open()).rejects.toMatchObject({ code: 'ESCROW_PASSCODE_REJECTED' });
  const opened = await client.open({ text: 'correct horse', salt: info.passcodeSalt! });
  expect(opened.manifest.text).toBe(SECRET_BODY);
  const carol = await verified(sent, 'carol@partner.test');
  for (let i = 0; i < 6; i++)
    await expect(carol.open({ text: `guess ${i}`, salt: info.passcodeSalt! })).rejects.toMatchObject({
      code: 'ESCROW_PASSCODE_REJECTED',
    });
  // Six wrong: the fifth was free, the sixth makes the next try wait 1 s — told plainly, since the session
  // already proves Carol is a recipient.
  await expect(carol.open({ text: 'correct horse', salt: info.passcodeSalt! })).rejects.toMatchObject({
    code: 'ESCROW_TRY_LATER',
    status: 429,
    message: 'There were too many wrong passcodes. Wait 1 second, then enter the passcode again.',
  });
  server.clock.advance(1000);
  expect((await carol.open({ text: 'correct horse', salt: info.passcodeSalt! })).manifest.text).toBe(
    SECRET_BODY,
  );
}, 60_000);

test('revoking destroys access: the link is dead, an open session too, and the blobs are gone', async () => {
  const sent = await escrow();
  const client = await verified(sent);
  await client.open();
  const revoke = await fetch(`${server.apiBase}/messages/${sent.id}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}` },
  });
  expect(revoke.status).toBe(204);
  expect((await fetch(`${server.apiBase}/pickup/${sent.id}`)).status).toBe(410);
  await expect(client.attachment(0)).rejects.toMatchObject({ status: 401 });
  expect(readdirSync(join(server.dataDir, 'escrow-blobs'))).toEqual([]);
  expect(await auditEvents(sent.id)).toContain('revoked');
});

test('another sender can neither see nor revoke the message', async () => {
  const sent = await escrow();
  const other = { authorization: `Bearer ${server.otherToken}` };
  expect(
    (await fetch(`${server.apiBase}/messages/${sent.id}/revoke`, { method: 'POST', headers: other })).status,
  ).toBe(404);
  expect(
    (
      (await (await fetch(`${server.apiBase}/messages`, { headers: other })).json()) as {
        messages: unknown[];
      }
    ).messages,
  ).toEqual([]);
  const mine = (await (
    await fetch(`${server.apiBase}/messages`, { headers: { authorization: `Bearer ${server.token}` } })
  ).json()) as {
    messages: Array<{ id: string; recipients: unknown[] }>;
  };
  expect(mine.messages.map((m) => m.id)).toEqual([sent.id]);
});

test('expiry: the purge shreds expired messages nobody opens again; changing expiry moves it', async () => {
  const sent = await escrow();
  const kept = await escrow();
  const later = new Date(server.clock.now() + 30 * 86_400_000).toISOString();
  const change = await fetch(`${server.apiBase}/messages/${kept.id}/expiry`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ expiresAt: later }),
  });
  expect(change.status).toBe(204);
  server.clock.advance(8 * 86_400_000);
  expect((await fetch(`${server.apiBase}/pickup/${sent.id}`)).status).toBe(410); // dead even before the purge
  await server.purge();
  expect(await auditEvents(sent.id)).toContain('expired');
  expect(readdirSync(join(server.dataDir, 'escrow-blobs'))).toEqual([kept.id]);
  await (await verified(kept)).open();
});

test("expiry stays within the service's limit: at most 90 days after sending (the default), and in the future", async () => {
  await expect(escrowSample(server, { expiryDays: 91 })).rejects.toThrow(
    'a secure message can stay at most 90 days',
  );
  const sent = await escrow();
  const changeTo = async (at: number) => {
    const response = await fetch(`${server.apiBase}/messages/${sent.id}/expiry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ expiresAt: new Date(at).toISOString() }),
    });
    return { status: response.status, body: response.status === 204 ? undefined : await response.json() };
  };
  const refused = {
    status: 400,
    body: {
      error: {
        code: 'ESCROW_INVALID',
        message: 'choose a time in the future, at most 90 days after sending; to end access now, revoke',
      },
    },
  };
  const sentAt = server.clock.now();
  expect(await changeTo(sentAt + 91 * 86_400_000)).toMatchObject(refused);
  expect(await changeTo(sentAt - 1)).toMatchObject(refused);
  expect((await changeTo(sentAt + 90 * 86_400_000)).status).toBe(204);
});

test('a finalized message takes no more parts and no second finalize', async () => {
  const sent = await escrow();
  const asSender = { authorization: `Bearer ${server.token}` };
  const part = await fetch(`${server.apiBase}/messages/${sent.id}/blobs/0?offset=0`, {
    method: 'PUT',
    headers: { ...asSender, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(16),
  });
  const notUploading = { code: 'ESCROW_STATE', message: 'this message is not taking uploads' };
  expect(part.status).toBe(409);
  expect(((await part.json()) as { error: unknown }).error).toEqual(notUploading);
  const finalize = await fetch(`${server.apiBase}/messages/${sent.id}/finalize`, {
    method: 'POST',
    headers: { ...asSender, 'content-type': 'application/json' },
    body: JSON.stringify({
      wrappedKey: 'A'.repeat(80),
      senderWrappedKey: 'A'.repeat(80),
      blobSizes: [24, 24, 24],
    }),
  });
  expect(finalize.status).toBe(409);
  expect(((await finalize.json()) as { error: unknown }).error).toEqual(notUploading);
});

test('a dump of the database and blobs holds no plaintext and no key that opens a message', async () => {
  const sent = await escrow();
  const client = await verified(sent);
  await client.open();
  await client.reply('reply-plaintext-marker', []);
  await server.close(); // checkpoints the WAL into the database file
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name !== 'escrow-server.key') files.push(path);
    }
  };
  walk(server.dataDir);
  const dump = Buffer.concat(files.map((f) => readFileSync(f)));
  expect(files.some((f) => f.endsWith('sendguard.sqlite'))).toBe(true);
  for (const needle of [SECRET_BODY, 'reply-plaintext-marker', 'Lab results', 'results.pdf'])
    expect(dump.includes(Buffer.from(needle))).toBe(false);
  expect(dump.includes(ATTACHMENT.subarray(1000, 1064))).toBe(false);
  // Content key, link secret, sender secret: raw and as they appear in links.
  expect(secretsMade.length).toBeGreaterThanOrEqual(3);
  for (const secret of secretsMade) {
    expect(dump.includes(Buffer.from(secret))).toBe(false);
    expect(dump.includes(Buffer.from(Buffer.from(secret).toString('base64url')))).toBe(false);
  }
  server = await startEscrowServer({ mailer }); // for afterEach
});
