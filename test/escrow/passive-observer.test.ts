/**
 * The eavesdropper secure pickup exists for (docs/escrow-protocol.md, "Threat model"): someone who reads the mail
 * on a recipient's route — the notice with its link, every mail the service sends there, and fresh codes they ask
 * for themselves — and talks to the service like anyone else. One message goes to three recipients, one per
 * proof. Against a `sign-in` or a `passcode` recipient the attack gets no content key; against a `code`
 * recipient it does, which is why policy lets a code be the proof only where the route is verified TLS.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { escrowMessage, type EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import { fromBase64Url, randomBytes, toBase64Url } from '../../src/core/escrow/bytes';
import type { FetchLike } from '../../src/core/escrow/http';
import { passcodeKey, unwrapContentKey } from '../../src/core/escrow/key-wrap';
import { parseFragment } from '../../src/core/escrow/link';
import { OpenResponse } from '../../src/core/escrow/wire';
import { DATABASE_FILE } from '../../src/server/store/sqlite';
import { PickupClient } from '../../src/portal/pickup-client';
import {
  cookieFetch,
  nodeFetch,
  recordingMailer,
  signInByDomain,
  startEscrowServer,
  type EscrowServer,
} from './harness';

const BODY = 'eavesdropper-target-marker: the results are positive';
const PASSCODE = 'told by phone 4417';
/** Each recipient on a route of its own: the attacker reads one route at a time. */
const SIGNED_IN = 'ann@contoso.test';
const BY_PASSCODE = 'pat@plainmail.test';
const BY_CODE = 'bob@verified.test';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let sent: EscrowedMessage;

beforeAll(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({
    mailer,
    config: { perIp: { max: 1000, windowMs: 60_000 } },
    signIn: signInByDomain({ 'contoso.test': { provider: 'microsoft', label: 'Microsoft' } }),
  });
  sent = await escrowMessage({
    backendUrl: server.url,
    token: server.token,
    message: { subject: 'Results', html: `<p>${BODY}</p>`, text: BODY, attachments: [] },
    recipients: [
      { address: SIGNED_IN, proof: 'sign-in' },
      { address: BY_PASSCODE, proof: 'passcode' },
      { address: BY_CODE, proof: 'code' },
    ],
    passcode: PASSCODE,
    expiryDays: 3,
    fetch: nodeFetch,
  });
}, 30_000);
afterAll(() => server.close());

/** The link as the notice on the route carries it. */
function linkInNotice(): string {
  const link = /https?:\/\/\S+#r1\.\S+/.exec(sent.notice.text)?.[0];
  if (!link) throw new Error('the notice carries no pickup link');
  return link;
}

function portalClient(link: string, fetch: FetchLike = cookieFetch()): PickupClient {
  return new PickupClient(parseFragment(new URL(link).hash), { apiBase: server.apiBase, fetch });
}

/** Every mail the service sent over the route of `address` (its domain), in order. */
function mailsOnRoute(address: string) {
  const domain = address.slice(address.indexOf('@'));
  return mailer.sent.filter((m) => m.to.endsWith(domain));
}

/**
 * The attack on one recipient's route: with the notice's link, ask for a fresh code for the recipient, take the
 * newest code that crossed the route, trade it for a session, open without the passcode (the attacker has none).
 * Answers what the attacker ends up with: the message text, or why not.
 */
async function eavesdrop(address: string): Promise<string> {
  const attacker = portalClient(linkInNotice());
  await attacker.requestCode(address);
  const codes = mailsOnRoute(address).flatMap((m) => /Your code is (\d+)/.exec(m.text)?.[1] ?? []);
  const code = codes.at(-1);
  if (!code) return 'no code crossed the route';
  try {
    await attacker.verify(address, code);
    return (await attacker.open()).manifest.text;
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** A page's fetch (with its cookie jar) that keeps every open answer, as the recipient's browser received it. */
function keepingOpenAnswers(): { fetch: FetchLike; answers: OpenResponse[] } {
  const answers: OpenResponse[] = [];
  const withJar = cookieFetch();
  const fetch: FetchLike = async (url, init) => {
    const response = await withJar(url, init);
    if (!url.endsWith('/open') || !response.ok) return response;
    const json = await response.json();
    answers.push(OpenResponse.parse(json));
    return { ok: true, status: response.status, json: async () => json, blob: () => response.blob() };
  };
  return { fetch, answers };
}

/**
 * A session for the signed-in recipient, written where the sign-in callback writes it (the sign-in flow itself,
 * with a real OpenID provider, is tested end to end elsewhere): here only what a session then gets matters.
 */
function signedIn(address: string): PickupClient {
  const cookie = randomBytes(32);
  const value = toBase64Url(cookie);
  const csrf = toBase64Url(randomBytes(32));
  const db = new Database(join(server.dataDir, DATABASE_FILE));
  db.prepare(
    'INSERT INTO escrow_sessions (hash, message_id, address, csrf, expires_at) VALUES (?, ?, ?, ?, ?)',
  ).run(createHash('sha256').update(value).digest(), sent.id, address, csrf, server.clock.now() + 60_000);
  db.close();
  const withCookie: FetchLike = (url, init) =>
    nodeFetch(url, { ...init, headers: { ...init.headers, cookie: `__Host-sg-pickup=${value}` } });
  const client = portalClient(sent.pickupUrl, withCookie);
  client.useSession({ csrf, needsPasscode: false });
  return client;
}

test('on a sign-in recipient’s route: no code ever crosses it, and the attacker gets no session', async () => {
  await expect(eavesdrop(SIGNED_IN)).resolves.toBe('no code crossed the route');
  expect(mailsOnRoute(SIGNED_IN)).toEqual([]);
  // The recipient herself, signed in, opens it without any passcode.
  expect((await signedIn(SIGNED_IN).open()).manifest.text).toBe(BODY);
});

test('on a passcode recipient’s route: the code gives a session, but opening needs the passcode nobody mailed', async () => {
  await expect(eavesdrop(BY_PASSCODE)).resolves.toBe('ESCROW_PASSCODE_REJECTED');
  const seen = mailsOnRoute(BY_PASSCODE);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.some((m) => `${m.subject}\n${m.text}`.includes(PASSCODE))).toBe(false);

  // Even with what the service releases to the real recipient (server secret and WP, over HTTPS), the link's
  // secret opens nothing without the passcode key; with it, it opens.
  const opened = keepingOpenAnswers();
  const pat = portalClient(sent.pickupUrl, opened.fetch);
  await pat.requestCode(BY_PASSCODE);
  await pat.verify(BY_PASSCODE, mailer.codeFor(BY_PASSCODE));
  const { passcodeSalt } = await pat.info();
  await pat.open({ text: PASSCODE, salt: passcodeSalt! });
  const released = opened.answers[0]!;
  const inputs = {
    messageId: sent.id,
    linkSecret: parseFragment(new URL(linkInNotice()).hash).secret,
    serverSecret: fromBase64Url(released.serverSecret),
  };
  await expect(unwrapContentKey(fromBase64Url(released.wrappedKey), inputs)).rejects.toMatchObject({
    code: 'ESCROW_DECRYPT_FAILED',
  });
  const key = await passcodeKey(PASSCODE, fromBase64Url(passcodeSalt!));
  await expect(
    unwrapContentKey(fromBase64Url(released.wrappedKey), { ...inputs, passcodeKey: key }),
  ).resolves.toHaveLength(32);
}, 30_000);

test('on a code recipient’s route the same attack reads the message: a code is a proof only over verified TLS', async () => {
  await expect(eavesdrop(BY_CODE)).resolves.toBe(BODY);
});
