/**
 * The sender's side of replies (docs/escrow-protocol.md, "Replies"): a P-256 key pair per message whose private
 * half only the sender secret in the sender's own link unwraps, and the proof the portal shows for that link.
 */
import { utf8 } from './bytes';
import { hkdf, open, seal, subtle, view, type Key } from './subtle';

const REPLY_KEY_INFO = 'sendguard-escrow/v1/reply-key';
const SENDER_ACCESS_INFO = 'sendguard-escrow/v1/sender-access';
const SENDER_CONTENT_KEY_INFO = 'sendguard-escrow/v1/sender-content-key';
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

export interface SenderReplyKeys {
  /** Uncompressed P-256 point, 65 bytes: goes to the server in the clear. */
  publicKey: Uint8Array;
  /** PKCS #8 private key sealed under the sender secret. */
  wrappedPrivateKey: Uint8Array;
}

// The sender secret is random per message, so these derivations need no message id (which the server assigns
// only after they are sent).
const NO_SALT = new Uint8Array(0);
const REPLY_KEY_AAD = utf8(REPLY_KEY_INFO);

export async function senderAccess(senderSecret: Uint8Array): Promise<Uint8Array> {
  return hkdf(senderSecret, NO_SALT, SENDER_ACCESS_INFO);
}

/**
 * The sender's own copy of the content key (`senderWrappedKey`): sealed under a key derived from the sender secret,
 * salted and bound to the message id, so the sender reads their message and checks replies' tags with their link.
 */
async function senderContentWrapping(senderSecret: Uint8Array, messageId: string) {
  return {
    key: await hkdf(senderSecret, utf8(messageId), SENDER_CONTENT_KEY_INFO),
    aad: utf8(`${SENDER_CONTENT_KEY_INFO}:${messageId}`),
  };
}

export async function wrapContentKeyForSender(
  contentKey: Uint8Array,
  senderSecret: Uint8Array,
  messageId: string,
): Promise<Uint8Array> {
  const { key, aad } = await senderContentWrapping(senderSecret, messageId);
  return seal(key, contentKey, aad);
}

export async function unwrapContentKeyForSender(
  wrapped: Uint8Array,
  senderSecret: Uint8Array,
  messageId: string,
): Promise<Uint8Array> {
  const { key, aad } = await senderContentWrapping(senderSecret, messageId);
  return open(key, wrapped, aad);
}

export async function makeReplyKeys(senderSecret: Uint8Array): Promise<SenderReplyKeys> {
  const pair = (await subtle().generateKey(ECDH, true, ['deriveBits'])) as {
    publicKey: Key;
    privateKey: Key;
  };
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', pair.privateKey));
  const wrapping = await hkdf(senderSecret, NO_SALT, REPLY_KEY_INFO);
  return { publicKey, wrappedPrivateKey: await seal(wrapping, pkcs8, REPLY_KEY_AAD) };
}

export async function unwrapReplyPrivateKey(wrapped: Uint8Array, senderSecret: Uint8Array): Promise<Key> {
  const wrapping = await hkdf(senderSecret, NO_SALT, REPLY_KEY_INFO);
  const pkcs8 = await open(wrapping, wrapped, REPLY_KEY_AAD);
  return subtle().importKey('pkcs8', view(pkcs8), ECDH, false, ['deriveBits']);
}

/** The reply's content key from one side's private key and the other side's public key. */
export async function replyContentKey(
  privateKey: Key,
  peerPublicKey: Uint8Array,
  ephemeralPublicKey: Uint8Array,
  messageId: string,
): Promise<Uint8Array> {
  const peer = await subtle().importKey('raw', view(peerPublicKey), ECDH, false, []);
  const shared = new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: peer }, privateKey, 256));
  return hkdf(shared, ephemeralPublicKey, `sendguard-escrow/v1/reply:${messageId}`);
}

/** The recipient's side: a fresh key pair per reply, so replies are unlinkable to each other's keys. */
export async function replyKeyForRecipient(
  senderPublicKey: Uint8Array,
  messageId: string,
): Promise<{ contentKey: Uint8Array; ephemeralPublicKey: Uint8Array }> {
  const pair = (await subtle().generateKey(ECDH, true, ['deriveBits'])) as {
    publicKey: Key;
    privateKey: Key;
  };
  const ephemeralPublicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const contentKey = await replyContentKey(pair.privateKey, senderPublicKey, ephemeralPublicKey, messageId);
  return { contentKey, ephemeralPublicKey };
}
