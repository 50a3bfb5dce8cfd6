/**
 * A second implementation of the escrow protocol, written from docs/escrow-protocol.md alone with Node's crypto
 * (and hash-wasm for Argon2id, which Node lacks): nothing here imports the project's escrow code. Tests run it
 * against the real service and against the project's own clients, so the document, not the code, is the contract.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  createPrivateKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { argon2id } from 'hash-wasm';

export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
export const unb64 = (text: string): Buffer => Buffer.from(text, 'base64url');
const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

// Primitives, as "Primitives" defines them.
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, utf8(info), 32));
}

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function open(key: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const data = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12)).setAAD(aad);
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
}

const hmac = (key: Uint8Array, data: Uint8Array) => createHmac('sha256', key).update(data).digest();

// Streams ("Stream").
const CHUNK = 65536;

function nonce(index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

export function encryptStream(
  contentKey: Uint8Array,
  plaintext: Uint8Array,
): { salt: Buffer; bytes: Buffer } {
  const salt = randomBytes(16);
  const header = Buffer.concat([utf8('SGE1'), Buffer.alloc(4), salt]);
  header.writeUInt32BE(CHUNK, 4);
  const key = hkdf(contentKey, salt, 'sendguard-escrow/v1/stream');
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK));
  const parts: Buffer[] = [header];
  for (let i = 0; i < count; i++) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(i, i === count - 1)).setAAD(header);
    const piece = plaintext.subarray(i * CHUNK, (i + 1) * CHUNK);
    parts.push(cipher.update(piece), cipher.final(), cipher.getAuthTag());
  }
  return { salt, bytes: Buffer.concat(parts) };
}

export function decryptStream(contentKey: Uint8Array, stream: Uint8Array, expectedSalt?: Uint8Array): Buffer {
  const data = Buffer.from(stream);
  const header = data.subarray(0, 24);
  if (data.length < 24 + 16 || header.subarray(0, 4).toString('latin1') !== 'SGE1')
    throw new Error('not a stream');
  const chunkSize = header.readUInt32BE(4);
  const salt = header.subarray(8, 24);
  if (expectedSalt && !salt.equals(Buffer.from(expectedSalt)))
    throw new Error('salt differs from the manifest');
  const full = chunkSize + 16;
  const body = data.length - 24;
  const count = Math.max(1, Math.ceil(body / full));
  const lastLength = body - (count - 1) * full;
  if (lastLength < 16 || (lastLength === 16 && count > 1)) throw new Error('impossible stream size');
  const key = hkdf(contentKey, salt, 'sendguard-escrow/v1/stream');
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const chunk = data.subarray(24 + i * full, 24 + i * full + (last ? lastLength : full));
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(i, last)).setAAD(header);
    decipher.setAuthTag(chunk.subarray(chunk.length - 16));
    out.push(decipher.update(chunk.subarray(0, chunk.length - 16)), decipher.final());
  }
  return Buffer.concat(out);
}

export interface Attachment {
  name: string;
  type: string;
  data: Buffer;
}

/** Blob 0 (the manifest with `fields`) and one blob per attachment ("Message"). */
export function packMessage(
  contentKey: Uint8Array,
  fields: Record<string, string>,
  attachments: Attachment[],
): Buffer[] {
  const streams = attachments.map((a) => encryptStream(contentKey, a.data));
  const manifest = {
    v: 1,
    ...fields,
    attachments: attachments.map((a, i) => ({
      name: a.name,
      type: a.type,
      size: a.data.length,
      salt: b64(streams[i]!.salt),
    })),
  };
  return [encryptStream(contentKey, utf8(JSON.stringify(manifest))).bytes, ...streams.map((s) => s.bytes)];
}

export function unpackMessage(
  contentKey: Uint8Array,
  blobs: Buffer[],
): { manifest: Record<string, unknown>; attachments: Attachment[] } {
  const manifest = JSON.parse(decryptStream(contentKey, blobs[0]!).toString('utf8')) as {
    attachments: Array<{ name: string; type: string; salt: string }>;
  };
  const attachments = manifest.attachments.map((entry, i) => ({
    name: entry.name,
    type: entry.type,
    data: decryptStream(contentKey, blobs[i + 1]!, unb64(entry.salt)),
  }));
  return { manifest, attachments };
}

// Key wraps ("Key wraps").
const contentKeyAad = (id: string) => utf8(`sendguard-escrow/v1/content-key:${id}`);

export function wrapKey(id: string, parts: Uint8Array[]): Buffer {
  return hkdf(Buffer.concat(parts), utf8(id), 'sendguard-escrow/v1/wrap');
}

export const wrapFor = (contentKey: Uint8Array, id: string, parts: Uint8Array[]) =>
  seal(wrapKey(id, parts), contentKey, contentKeyAad(id));
export const unwrapFor = (wrapped: Uint8Array, id: string, parts: Uint8Array[]) =>
  open(wrapKey(id, parts), wrapped, contentKeyAad(id));

const senderContentKeyInfo = 'sendguard-escrow/v1/sender-content-key';
export const senderWrap = (contentKey: Uint8Array, id: string, senderSecret: Uint8Array) =>
  seal(hkdf(senderSecret, utf8(id), senderContentKeyInfo), contentKey, utf8(`${senderContentKeyInfo}:${id}`));
export const senderUnwrap = (wrapped: Uint8Array, id: string, senderSecret: Uint8Array) =>
  open(hkdf(senderSecret, utf8(id), senderContentKeyInfo), wrapped, utf8(`${senderContentKeyInfo}:${id}`));

export async function passcodeKey(passcode: string, salt: Uint8Array): Promise<Buffer> {
  const key = await argon2id({
    password: utf8(passcode.normalize('NFC')),
    salt,
    iterations: 3,
    memorySize: 65536,
    parallelism: 1,
    hashLength: 32,
    outputType: 'binary',
  });
  return Buffer.from(key);
}

export const passcodeCheck = (key: Uint8Array, salt: Uint8Array) =>
  hkdf(key, salt, 'sendguard-escrow/v1/passcode-check');
export const senderAccess = (senderSecret: Uint8Array) =>
  hkdf(senderSecret, Buffer.alloc(0), 'sendguard-escrow/v1/sender-access');

// Replies ("Replies").
const REPLY_KEY_INFO = 'sendguard-escrow/v1/reply-key';

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), unb64(jwk.x!), unb64(jwk.y!)]);
}

function publicFromRaw(raw: Uint8Array): KeyObject {
  const bytes = Buffer.from(raw);
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error('not an uncompressed P-256 point');
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(bytes.subarray(1, 33)), y: b64(bytes.subarray(33)) },
    format: 'jwk',
  });
}

export function makeReplyKeys(senderSecret: Uint8Array): { publicKey: Buffer; wrappedPrivateKey: Buffer } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
  const wrapping = hkdf(senderSecret, Buffer.alloc(0), REPLY_KEY_INFO);
  return {
    publicKey: rawPublic(pair.publicKey),
    wrappedPrivateKey: seal(wrapping, pkcs8, utf8(REPLY_KEY_INFO)),
  };
}

function replyKey(shared: Buffer, ephemeralPublic: Uint8Array, id: string): Buffer {
  return hkdf(shared, ephemeralPublic, `sendguard-escrow/v1/reply:${id}`);
}

export function replyTag(contentKey: Uint8Array, id: string, address: string, ephemeralPublic: Uint8Array) {
  const ra = hkdf(contentKey, utf8(id), 'sendguard-escrow/v1/reply-auth');
  return hmac(
    ra,
    Buffer.concat([utf8('sendguard-escrow/v1/reply-tag:'), utf8(address), Buffer.from([0]), ephemeralPublic]),
  );
}

/**
 * The reply key a recipient may reply to: the manifest's `replyPublicKey` (under `K`), and only when the key open
 * returned is the same 65 bytes. A message without one, or a server offering another, takes no reply.
 */
export function replyPublicKeyToUse(manifest: Record<string, unknown>, offered: string): Buffer {
  const named = manifest.replyPublicKey;
  if (typeof named !== 'string') throw new Error('the message names no reply key: no reply');
  if (!unb64(named).equals(unb64(offered))) throw new Error('the server offers another reply key: no reply');
  return unb64(named);
}

/** The recipient's side: the reply's content key and ephemeral public key. */
export function replyKeyForRecipient(replyPublicKey: Uint8Array, id: string) {
  const eph = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ephemeralPublicKey = rawPublic(eph.publicKey);
  const shared = diffieHellman({ privateKey: eph.privateKey, publicKey: publicFromRaw(replyPublicKey) });
  return { contentKey: replyKey(shared, ephemeralPublicKey, id), ephemeralPublicKey };
}

/** The sender's side: unwrap the reply key with R and derive a reply's content key. */
export function replyKeyForSender(
  wrappedPrivateKey: Uint8Array,
  senderSecret: Uint8Array,
  ephemeralPublic: Uint8Array,
  id: string,
): Buffer {
  const pkcs8 = open(
    hkdf(senderSecret, Buffer.alloc(0), REPLY_KEY_INFO),
    wrappedPrivateKey,
    utf8(REPLY_KEY_INFO),
  );
  const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  return replyKey(
    diffieHellman({ privateKey, publicKey: publicFromRaw(ephemeralPublic) }),
    ephemeralPublic,
    id,
  );
}

export const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

// HTTP, as "API" and "Headers" describe it.
export interface Http {
  base: string;
  headers?: Record<string, string>;
  cookies?: Map<string, string>;
}

export async function call(
  http: Http,
  method: string,
  path: string,
  body?: unknown,
  extra: Record<string, string> = {},
): Promise<{ status: number; json: unknown; bytes: Buffer }> {
  const headers: Record<string, string> = { ...http.headers, ...extra };
  let payload: Uint8Array<ArrayBuffer> | string | undefined;
  if (Buffer.isBuffer(body)) {
    headers['content-type'] = 'application/octet-stream';
    payload = new Uint8Array(body);
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (http.cookies?.size) headers.cookie = [...http.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${http.base}${path}`, { method, headers, body: payload, redirect: 'manual' });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair = ''] = cookie.split(';');
    const at = pair.indexOf('=');
    http.cookies?.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json')
    ? (JSON.parse(bytes.toString('utf8')) as unknown)
    : undefined;
  return { status: response.status, json, bytes };
}

/** Uploads each blob in parts of at most `part` bytes at their offsets; answers the blob sizes. */
export async function uploadBlobs(http: Http, itemPath: string, blobs: Buffer[], part = 300_000) {
  for (const [n, blob] of blobs.entries()) {
    for (let offset = 0; offset < blob.length; offset += part) {
      const answer = await call(
        http,
        'PUT',
        `${itemPath}/blobs/${n}?offset=${offset}`,
        blob.subarray(offset, offset + part),
      );
      if (answer.status !== 204) throw new Error(`part refused: ${answer.status} ${answer.bytes.toString()}`);
    }
  }
  return blobs.map((b) => b.length);
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();
