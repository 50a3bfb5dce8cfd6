/**
 * The protocol document is the contract: a client written from docs/escrow-protocol.md alone (independent-client.ts,
 * Node's crypto, none of the project's escrow code) creates, uploads, picks up, decrypts byte for byte and replies
 * against the real service, and reads what the project's add-in escrowed. Tampering with stored ciphertext is
 * caught by that client too.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { recordingMailer, startEscrowServer, type EscrowServer } from './harness';
import {
  b64,
  call,
  decryptStream,
  makeReplyKeys,
  packMessage,
  passcodeCheck,
  passcodeKey,
  replyKeyForRecipient,
  replyKeyForSender,
  replyPublicKeyToUse,
  replyTag,
  sameBytes,
  senderAccess,
  senderUnwrap,
  senderWrap,
  unb64,
  unpackMessage,
  unwrapFor,
  uploadBlobs,
  wrapFor,
  type Http,
} from './independent-client';

const PORTAL = { 'x-sendguard-portal': '1' };
const BODY = 'Dosage for patient 4711: independent-client-marker';
const REPORT = randomBytes(200_000);
const PASSCODE = 'correct horse battery';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer, config: { perIp: { max: 1000, windowMs: 60_000 } } });
});
// Node's fetch keeps connections alive, and the service waits for them (Fastify's 72 s keep-alive) on close.
afterEach(async () => {
  server.app.server.closeAllConnections();
  await server.close();
});

const senderHttp = (): Http => ({
  base: server.apiBase,
  headers: { authorization: `Bearer ${server.token}` },
});
const recipientHttp = (): Http => ({ base: server.apiBase, headers: PORTAL, cookies: new Map() });

interface Created {
  id: string;
  linkSecret: Buffer;
  senderSecret: Buffer;
  contentKey: Buffer;
}

const BOTH_PROOFS = [
  { address: 'bob@partner.test', proof: 'code' },
  { address: 'pat@weak.test', proof: 'passcode' },
];

/**
 * The sender's side, from "Flows" 1–2: create, upload, finalize with WP and WS, and W unless every recipient's
 * proof is `passcode` ("Key wraps").
 */
async function createMessage(recipients = BOTH_PROOFS): Promise<Created> {
  const http = senderHttp();
  const contentKey = randomBytes(32);
  const linkSecret = randomBytes(32);
  const senderSecret = randomBytes(32);
  const passcodeSalt = randomBytes(16);
  const pk = await passcodeKey(PASSCODE, passcodeSalt);
  const replyKeys = makeReplyKeys(senderSecret);
  const fields = {
    subject: 'Dosage',
    html: `<p>${BODY}</p>`,
    text: BODY,
    replyPublicKey: b64(replyKeys.publicKey),
  };
  const blobs = packMessage(contentKey, fields, [
    { name: 'report.bin', type: 'application/octet-stream', data: REPORT },
    { name: 'empty.txt', type: 'text/plain', data: Buffer.alloc(0) },
  ]);
  const created = await call(http, 'POST', '/messages', {
    recipients,
    expiryDays: 3,
    blobCount: blobs.length,
    replyPublicKey: b64(replyKeys.publicKey),
    wrappedReplyKey: b64(replyKeys.wrappedPrivateKey),
    senderAccess: b64(senderAccess(senderSecret)),
    passcode: { salt: b64(passcodeSalt), check: b64(passcodeCheck(pk, passcodeSalt)) },
  });
  expect(created.status).toBe(201);
  const { id, serverSecret } = created.json as { id: string; serverSecret: string };
  const S = unb64(serverSecret);
  const blobSizes = await uploadBlobs(http, `/messages/${id}`, blobs);
  const withoutPasscode = recipients.some((r) => r.proof !== 'passcode');
  const finalized = await call(http, 'POST', `/messages/${id}/finalize`, {
    ...(withoutPasscode ? { wrappedKey: b64(wrapFor(contentKey, id, [linkSecret, S])) } : {}),
    passcodeWrappedKey: b64(wrapFor(contentKey, id, [linkSecret, S, pk])),
    senderWrappedKey: b64(senderWrap(contentKey, id, senderSecret)),
    blobSizes,
  });
  expect(finalized.status).toBe(204);
  return { id, linkSecret, senderSecret, contentKey };
}

/** "Flows" 5: a code by mail, traded for a session. */
async function proveByCode(http: Http, id: string, address: string) {
  expect((await call(http, 'POST', `/pickup/${id}/code`, { address })).status).toBe(202);
  const verified = await call(http, 'POST', `/pickup/${id}/verify`, {
    address,
    code: mailer.codeFor(address),
  });
  expect(verified.status).toBe(200);
  return verified.json as { csrf: string; needsPasscode: boolean };
}

async function download(http: Http, path: string, sizes: number[], extra: Record<string, string>) {
  const blobs: Buffer[] = [];
  for (let n = 0; n < sizes.length; n++) {
    const answer = await call(http, 'GET', `${path}/blobs/${n}`, undefined, extra);
    expect(answer.status).toBe(200);
    blobs.push(answer.bytes);
  }
  return blobs;
}

interface Opened {
  address: string;
  serverSecret: string;
  wrappedKey: string;
  blobSizes: number[];
  replyPublicKey: string;
}

test('a client written from the document alone escrows, picks up with each proof, replies and reads the reply', async () => {
  const message = await createMessage();
  const { id, linkSecret } = message;

  // A code recipient opens with L ‖ S.
  const bob = recipientHttp();
  const bobSession = await proveByCode(bob, id, 'bob@partner.test');
  expect(bobSession.needsPasscode).toBe(false);
  const csrf = { 'x-sendguard-csrf': bobSession.csrf };
  const opened = (await call(bob, 'POST', `/pickup/${id}/open`, {}, csrf)).json as Opened;
  const K = unwrapFor(unb64(opened.wrappedKey), id, [linkSecret, unb64(opened.serverSecret)]);
  expect(sameBytes(K, message.contentKey)).toBe(true);
  const { manifest, attachments } = unpackMessage(
    K,
    await download(bob, `/pickup/${id}`, opened.blobSizes, csrf),
  );
  expect(manifest).toMatchObject({ v: 1, subject: 'Dosage', text: BODY });
  expect(sameBytes(attachments[0]!.data, REPORT)).toBe(true);
  expect(attachments[1]!.data.length).toBe(0);

  // A passcode recipient gets WP only, which L ‖ S alone does not open.
  const pat = recipientHttp();
  const patSession = await proveByCode(pat, id, 'pat@weak.test');
  expect(patSession.needsPasscode).toBe(true);
  const patCsrf = { 'x-sendguard-csrf': patSession.csrf };
  expect((await call(pat, 'POST', `/pickup/${id}/open`, {}, patCsrf)).status).toBe(400);
  const info = (await call(pat, 'GET', `/pickup/${id}`)).json as { passcodeSalt: string };
  const pk = await passcodeKey(PASSCODE, unb64(info.passcodeSalt));
  const patOpened = (
    await call(
      pat,
      'POST',
      `/pickup/${id}/open`,
      { passcodeCheck: b64(passcodeCheck(pk, unb64(info.passcodeSalt))) },
      patCsrf,
    )
  ).json as Opened;
  const S = unb64(patOpened.serverSecret);
  expect(() => unwrapFor(unb64(patOpened.wrappedKey), id, [linkSecret, S])).toThrow();
  expect(sameBytes(unwrapFor(unb64(patOpened.wrappedKey), id, [linkSecret, S, pk]), K)).toBe(true);

  // Bob replies with an attachment; the tag binds the reply to a holder of K.
  const replyText = 'Thanks, received: reply-marker';
  const replyFile = randomBytes(70_000);
  const reply = replyKeyForRecipient(replyPublicKeyToUse(manifest, opened.replyPublicKey), id);
  const replyBlobs = packMessage(reply.contentKey, { text: replyText }, [
    { name: 'answer.bin', type: 'application/octet-stream', data: replyFile },
  ]);
  const createdReply = await call(
    bob,
    'POST',
    `/pickup/${id}/replies`,
    {
      ephemeralPublicKey: b64(reply.ephemeralPublicKey),
      tag: b64(replyTag(K, id, opened.address, reply.ephemeralPublicKey)),
      blobCount: replyBlobs.length,
    },
    csrf,
  );
  expect(createdReply.status).toBe(201);
  const { replyId } = createdReply.json as { replyId: string };
  const replyHttp: Http = { ...bob, headers: { ...PORTAL, ...csrf } };
  const replySizes = await uploadBlobs(replyHttp, `/pickup/${id}/replies/${replyId}`, replyBlobs);
  expect(
    (await call(replyHttp, 'POST', `/pickup/${id}/replies/${replyId}/finalize`, { blobSizes: replySizes }))
      .status,
  ).toBe(204);

  // The sender's link: WS gives K back, K checks the tag, R opens the reply.
  const sender: Http = {
    base: server.apiBase,
    headers: { 'x-sendguard-sender': b64(senderAccess(message.senderSecret)) },
  };
  const view = (await call(sender, 'GET', `/sender/${id}`)).json as {
    wrappedReplyKey: string;
    senderWrappedKey: string;
    blobSizes: number[];
    replies: Array<{
      id: string;
      from: string;
      ephemeralPublicKey: string;
      tag: string;
      blobSizes: number[];
    }>;
  };
  const senderK = senderUnwrap(unb64(view.senderWrappedKey), id, message.senderSecret);
  expect(sameBytes(senderK, K)).toBe(true);
  const own = unpackMessage(senderK, await download(sender, `/sender/${id}`, view.blobSizes, {}));
  expect(sameBytes(own.attachments[0]!.data, REPORT)).toBe(true);
  const [stored] = view.replies;
  expect(stored!.from).toBe('bob@partner.test');
  const eph = unb64(stored!.ephemeralPublicKey);
  expect(sameBytes(replyTag(senderK, id, stored!.from, eph), unb64(stored!.tag))).toBe(true);
  const KR = replyKeyForSender(unb64(view.wrappedReplyKey), message.senderSecret, eph, id);
  const read = unpackMessage(
    KR,
    await download(sender, `/sender/${id}/replies/${stored!.id}`, stored!.blobSizes, {}),
  );
  expect(read.manifest).toMatchObject({ v: 1, text: replyText });
  expect(sameBytes(read.attachments[0]!.data, replyFile)).toBe(true);
});

test("the document's client reads what the project's add-in escrowed, and catches tampering on disk", async () => {
  const attachment = randomBytes(150_000);
  const sent = await escrowMessage({
    backendUrl: server.url,
    token: server.token,
    message: {
      subject: 'From the add-in',
      html: '<p>add-in</p>',
      text: 'add-in body',
      attachments: [{ name: 'a.bin', type: 'application/octet-stream', data: attachment }],
    },
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 2,
    fetch: fetch as never,
  });
  const [, id = '', secret = ''] = sent.pickupUrl.split('#')[1]!.split('.');
  const bob = recipientHttp();
  const csrf = { 'x-sendguard-csrf': (await proveByCode(bob, id, 'bob@partner.test')).csrf };
  const opened = (await call(bob, 'POST', `/pickup/${id}/open`, {}, csrf)).json as Opened;
  const K = unwrapFor(unb64(opened.wrappedKey), id, [unb64(secret), unb64(opened.serverSecret)]);
  const blobs = await download(bob, `/pickup/${id}`, opened.blobSizes, csrf);
  const { manifest, attachments } = unpackMessage(K, blobs);
  expect(manifest).toMatchObject({ subject: 'From the add-in', text: 'add-in body' });
  // The add-in names its reply key inside the message: the one open gives, else no reply.
  expect(replyPublicKeyToUse(manifest, opened.replyPublicKey)).toHaveLength(65);
  expect(sameBytes(attachments[0]!.data, attachment)).toBe(true);

  // One flipped bit in the stored attachment, as someone with the blob directory could make it.
  const dir = join(server.dataDir, 'escrow-blobs');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
  const target = files.find((f) => readFileSync(join(f.parentPath, f.name)).length === blobs[1]!.length)!;
  const path = join(target.parentPath, target.name);
  const bytes = readFileSync(path);
  bytes[bytes.length - 100]! ^= 1;
  writeFileSync(path, bytes);
  const tampered = await download(bob, `/pickup/${id}`, opened.blobSizes, csrf);
  expect(() => unpackMessage(K, tampered)).toThrow();
  // The manifest still opens; it is the attachment that does not, and its salt still matches.
  expect(() => decryptStream(K, tampered[0]!)).not.toThrow();
});

test('a message only for passcode recipients: finalize without W, and open gives WP, which L ‖ S alone does not open', async () => {
  const { id, linkSecret, contentKey } = await createMessage([
    { address: 'pat@weak.test', proof: 'passcode' },
  ]);
  const pat = recipientHttp();
  const csrf = { 'x-sendguard-csrf': (await proveByCode(pat, id, 'pat@weak.test')).csrf };
  const info = (await call(pat, 'GET', `/pickup/${id}`)).json as { passcodeSalt: string };
  const salt = unb64(info.passcodeSalt);
  const pk = await passcodeKey(PASSCODE, salt);
  const check = { passcodeCheck: b64(passcodeCheck(pk, salt)) };
  const opened = (await call(pat, 'POST', `/pickup/${id}/open`, check, csrf)).json as Opened;
  const S = unb64(opened.serverSecret);
  expect(() => unwrapFor(unb64(opened.wrappedKey), id, [linkSecret, S])).toThrow();
  expect(sameBytes(unwrapFor(unb64(opened.wrappedKey), id, [linkSecret, S, pk]), contentKey)).toBe(true);
});
