/**
 * Recipient proofs as the service enforces them (docs/escrow-protocol.md, "Recipient proofs"): each recipient is
 * stored with the proof the sender chose; a `sign-in` recipient needs a provider from the sign-in directory; codes
 * are mailed only to `code` and `passcode` recipients; only a `passcode` recipient needs the passcode, and only
 * they get the passcode-wrapped key.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { randomBytes as secret, toBase64Url } from '../../src/core/escrow/bytes';
import type { FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import type { EscrowRecipient } from '../../src/core/escrow/wire';
import { PickupClient } from '../../src/portal/pickup-client';
import { DATABASE_FILE } from '../../src/server/store/sqlite';
import {
  cookieFetch,
  escrowSample,
  nodeFetch,
  pickupByCode,
  recordingMailer,
  signInByDomain,
  startEscrowServer,
  type EscrowServer,
} from './harness';

const CONTOSO = { provider: 'microsoft', label: 'Microsoft' };
const EXAMPLE_IDP = { provider: 'issuer:https://id.partner.test', label: 'Partner ID' };
const PASSCODE = 'blue tractor 17';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({
    mailer,
    config: { perIp: { max: 1000, windowMs: 60_000 } },
    signIn: signInByDomain({ 'contoso.test': CONTOSO, 'partner.test': EXAMPLE_IDP }),
  });
});
afterEach(() => server.close());

function escrow(recipients: EscrowRecipient[], passcode?: string): Promise<EscrowedMessage> {
  return escrowSample(server, { recipients, ...(passcode ? { passcode } : {}) });
}

function pickup(sent: EscrowedMessage): PickupClient {
  return new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
    apiBase: server.apiBase,
    fetch: cookieFetch(),
  });
}

const asSender = () => ({ authorization: `Bearer ${server.token}`, 'content-type': 'application/json' });

/** A create request as any client could send it: the recipients and passcode are the test's. */
function createBody(recipients: EscrowRecipient[], passcode?: boolean) {
  return {
    recipients,
    expiryDays: 1,
    blobCount: 1,
    replyPublicKey: toBase64Url(secret(65)),
    wrappedReplyKey: toBase64Url(secret(100)),
    senderAccess: toBase64Url(secret(32)),
    ...(passcode ? { passcode: { salt: toBase64Url(secret(16)), check: toBase64Url(secret(32)) } } : {}),
  };
}

async function create(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.apiBase}/messages`, {
    method: 'POST',
    headers: asSender(),
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('a sign-in recipient needs a provider: without one the message is refused naming the address', async () => {
  const refused = await create(createBody([{ address: 'Dee@Nowhere.test', proof: 'sign-in' }]));
  expect(refused).toEqual({
    status: 400,
    json: {
      error: {
        code: 'ESCROW_INVALID',
        message:
          'dee@nowhere.test cannot sign in: no identity provider is known for their address; choose another proof',
      },
    },
  });
  const listed = await fetch(`${server.apiBase}/messages`, { headers: asSender() });
  expect(await listed.json()).toEqual({ messages: [] });
});

test('a passcode goes with passcode recipients: one without the other is refused, at create and at finalize', async () => {
  expect((await create(createBody([{ address: 'pat@weak.test', proof: 'passcode' }]))).json).toMatchObject({
    error: { code: 'ESCROW_INVALID', message: expect.stringContaining('the message has none') },
  });
  expect((await create(createBody([{ address: 'bob@weak.test', proof: 'code' }], true))).json).toMatchObject({
    error: { code: 'ESCROW_INVALID', message: expect.stringContaining('no recipient is to prove') },
  });
  expect(
    (
      await create(
        createBody([
          { address: 'bob@weak.test', proof: 'code' },
          { address: 'BOB@weak.test', proof: 'passcode' },
        ]),
      )
    ).json,
  ).toMatchObject({
    error: {
      code: 'ESCROW_INVALID',
      message: 'bob@weak.test is listed twice, with proofs code and passcode',
    },
  });

  const created = await create(createBody([{ address: 'pat@weak.test', proof: 'passcode' }], true));
  expect(created.status).toBe(201);
  const finalize = await fetch(`${server.apiBase}/messages/${String(created.json.id)}/finalize`, {
    method: 'POST',
    headers: asSender(),
    body: JSON.stringify({ wrappedKey: 'A'.repeat(80), senderWrappedKey: 'A'.repeat(80), blobSizes: [24] }),
  });
  expect(finalize.status).toBe(400);
  expect(await finalize.json()).toMatchObject({
    error: { message: 'this message has a passcode: finalize needs the passcode-wrapped key' },
  });
});

test('the link offers the providers of its recipients and a mailed code only when some recipient may get one', async () => {
  const signInOnly = await escrow([
    { address: 'ann@contoso.test', proof: 'sign-in' },
    { address: 'ben@partner.test', proof: 'sign-in' },
    { address: 'cal@contoso.test', proof: 'sign-in' },
  ]);
  expect((await pickup(signInOnly).info()).proofs).toEqual({ signIn: [CONTOSO, EXAMPLE_IDP], code: false });
  // A code recipient whose domain has a provider may sign in too: the provider is offered with the code.
  const mixed = await escrow([{ address: 'dan@partner.test', proof: 'code' }]);
  expect((await pickup(mixed).info()).proofs).toEqual({ signIn: [EXAMPLE_IDP], code: true });
  const codeOnly = await escrow([{ address: 'eve@elsewhere.test', proof: 'code' }]);
  expect((await pickup(codeOnly).info()).proofs).toEqual({ signIn: [], code: true });
});

test('codes are mailed only to code and passcode recipients; a sign-in recipient gets the same 202 and no mail', async () => {
  const sent = await escrow(
    [
      { address: 'ann@contoso.test', proof: 'sign-in' },
      { address: 'pat@weak.test', proof: 'passcode' },
      { address: 'bob@weak.test', proof: 'code' },
    ],
    PASSCODE,
  );
  const answers = [];
  for (const address of ['ann@contoso.test', 'pat@weak.test', 'bob@weak.test', 'nobody@weak.test']) {
    const response = await fetch(`${server.apiBase}/pickup/${sent.id}/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sendguard-portal': '1' },
      body: JSON.stringify({ address }),
    });
    answers.push({ status: response.status, body: await response.json() });
  }
  expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  expect(answers[0]!.status).toBe(202);
  expect(mailer.sent.map((m) => m.to).sort()).toEqual(['bob@weak.test', 'pat@weak.test']);
  await expect(pickup(sent).verify('ann@contoso.test', '00000000')).rejects.toMatchObject({
    code: 'ESCROW_CODE_REJECTED',
  });
});

test('only a passcode recipient needs the passcode; a code recipient of the same message opens without it', async () => {
  const sent = await escrow(
    [
      { address: 'pat@weak.test', proof: 'passcode' },
      { address: 'bob@weak.test', proof: 'code' },
    ],
    PASSCODE,
  );
  const bob = pickup(sent);
  await bob.requestCode('bob@weak.test');
  expect(await bob.verify('bob@weak.test', mailer.codeFor('bob@weak.test'))).toMatchObject({
    needsPasscode: false,
  });
  expect((await bob.open()).manifest.text).toBe('x');

  const pat = pickup(sent);
  const { passcodeSalt } = await pat.info();
  await pat.requestCode('pat@weak.test');
  expect(await pat.verify('pat@weak.test', mailer.codeFor('pat@weak.test'))).toMatchObject({
    needsPasscode: true,
  });
  await expect(pat.open()).rejects.toMatchObject({ code: 'ESCROW_PASSCODE_REJECTED' });
  expect((await pat.open({ text: PASSCODE, salt: passcodeSalt! })).manifest.text).toBe('x');
}, 30_000);

test("the sender's list names each recipient's proof", async () => {
  const sent = await escrow([
    { address: 'ann@contoso.test', proof: 'sign-in' },
    { address: 'bob@weak.test', proof: 'code' },
  ]);
  const response = await fetch(`${server.apiBase}/messages/${sent.id}`, { headers: asSender() });
  expect(((await response.json()) as { recipients: unknown[] }).recipients).toEqual([
    { address: 'ann@contoso.test', proof: 'sign-in', state: 'active' },
    { address: 'bob@weak.test', proof: 'code', state: 'active' },
  ]);
});

test('the add-in sends a passcode exactly when a recipient needs one, and refuses one who needs it without it', async () => {
  const requests: string[] = [];
  // Each request, marked when its JSON body carries the passcode's salt and check (create) or the key it wraps
  // (finalize); a recipient's `proof: "passcode"` alone does not mark it.
  const counting: FetchLike = (url, init) => {
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : {};
    const carries = ['passcode', 'passcodeWrappedKey'].some((field) => Object.hasOwn(body as object, field));
    requests.push(`${init.method} ${new URL(url).pathname}${carries ? ' with a passcode' : ''}`);
    return nodeFetch(url, init);
  };
  await expect(
    escrowSample(server, { recipients: [{ address: 'pat@weak.test', proof: 'passcode' }], fetch: counting }),
  ).rejects.toMatchObject({ code: 'ESCROW_INPUT_INVALID' });
  expect(requests).toEqual([]);
  // A passcode no recipient needs is not part of the message: a code recipient opens without it.
  const sent = await escrowSample(server, { passcode: PASSCODE, fetch: counting });
  const messages = `${new URL(server.apiBase).pathname}/messages`;
  expect(requests).toEqual([
    `POST ${messages}`,
    `PUT ${messages}/${sent.id}/blobs/0`,
    `POST ${messages}/${sent.id}/finalize`,
  ]);
  expect((await pickup(sent).info()).passcodeSalt).toBeUndefined();
  // A passcode recipient with the passcode: its salt and check go at create, its wrapped key at finalize.
  requests.length = 0;
  const withPasscode = await escrowSample(server, {
    recipients: [{ address: 'pat@weak.test', proof: 'passcode' }],
    passcode: PASSCODE,
    fetch: counting,
  });
  expect(requests).toEqual([
    `POST ${messages} with a passcode`,
    `PUT ${messages}/${withPasscode.id}/blobs/0`,
    `POST ${messages}/${withPasscode.id}/finalize with a passcode`,
  ]);
  expect((await pickup(withPasscode).info()).passcodeSalt).toEqual(expect.any(String));
});

/** Finalizes message `id` with `keys` (each 60 bytes, base64url) and one 24-byte blob, as any client could. */
async function finalize(id: string, keys: Record<string, string>) {
  const response = await fetch(`${server.apiBase}/messages/${id}/finalize`, {
    method: 'POST',
    headers: asSender(),
    body: JSON.stringify({ ...keys, senderWrappedKey: 'A'.repeat(80), blobSizes: [24] }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

test('finalize takes the key without the passcode exactly when some recipient signs in or gets a code', async () => {
  const W = { wrappedKey: 'A'.repeat(80) };
  const WP = { passcodeWrappedKey: 'A'.repeat(80) };
  const allPasscode = await create(createBody([{ address: 'pat@weak.test', proof: 'passcode' }], true));
  expect(await finalize(String(allPasscode.json.id), { ...W, ...WP })).toEqual({
    status: 400,
    json: {
      error: {
        code: 'ESCROW_INVALID',
        message: 'every recipient needs the passcode: finalize takes no wrapped key without it',
      },
    },
  });
  const needsW = {
    status: 400,
    json: {
      error: {
        code: 'ESCROW_INVALID',
        message: 'some recipients sign in or get a code: finalize needs the wrapped key without the passcode',
      },
    },
  };
  const mixed = await create(
    createBody(
      [
        { address: 'pat@weak.test', proof: 'passcode' },
        { address: 'ann@contoso.test', proof: 'sign-in' },
      ],
      true,
    ),
  );
  expect(await finalize(String(mixed.json.id), WP)).toEqual(needsW);
  const codeOnly = await create(createBody([{ address: 'bob@weak.test', proof: 'code' }]));
  expect(await finalize(String(codeOnly.json.id), {})).toEqual(needsW);
});

test('a message only for passcode recipients stores no key that the link and the server secret open', async () => {
  const sent = await escrow(
    [
      { address: 'pat@weak.test', proof: 'passcode' },
      { address: 'quinn@weak.test', proof: 'passcode' },
    ],
    PASSCODE,
  );
  const db = new Database(join(server.dataDir, DATABASE_FILE), { readonly: true });
  const row = db
    .prepare('SELECT wrapped_key, passcode_wrapped_key FROM escrow_messages WHERE id = ?')
    .get(sent.id) as { wrapped_key: Buffer | null; passcode_wrapped_key: Buffer | null };
  db.close();
  expect(row.wrapped_key).toBeNull();
  expect(row.passcode_wrapped_key).toHaveLength(60);

  const pat = await pickupByCode(server, mailer, sent, 'pat@weak.test');
  const { passcodeSalt } = await pat.info();
  expect((await pat.open({ text: PASSCODE, salt: passcodeSalt! })).manifest.text).toBe('x');
}, 30_000);
