/**
 * WebCrypto as the one crypto provider: the same `crypto.subtle` exists in browsers, Outlook's runtime and
 * Node 20, so the escrow format has a single implementation everywhere.
 */
import { EscrowCryptoError } from './errors';

export type Subtle = typeof globalThis.crypto.subtle;
export type Key = Awaited<ReturnType<Subtle['importKey']>>;

/**
 * TypeScript 5.9 types WebCrypto inputs as ArrayBuffer-backed views; ours always are (nothing here uses
 * SharedArrayBuffer), so this only restates that for the compiler.
 */
export function view(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes as Uint8Array<ArrayBuffer>;
}

export function subtle(): Subtle {
  const provider = globalThis.crypto?.subtle;
  if (!provider) throw new EscrowCryptoError('ESCROW_INPUT_INVALID', 'WebCrypto is not available here');
  return provider;
}

/** HKDF-SHA256 to raw bytes. */
export async function hkdf(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: string,
  length = 32,
): Promise<Uint8Array> {
  const base = await subtle().importKey('raw', view(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: view(salt), info: new TextEncoder().encode(info) },
    base,
    length * 8,
  );
  return new Uint8Array(bits);
}

export async function aesKey(raw: Uint8Array, usages: Array<'encrypt' | 'decrypt'>): Promise<Key> {
  return subtle().importKey('raw', view(raw), { name: 'AES-GCM' }, false, usages);
}

/** `nonce ‖ AES-256-GCM(key, nonce, plaintext, aad)` with a random nonce: for small one-off values only. */
export async function seal(
  keyBytes: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): Promise<Uint8Array> {
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const key = await aesKey(keyBytes, ['encrypt']);
  const sealed = await subtle().encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: view(aad) },
    key,
    view(plaintext),
  );
  const out = new Uint8Array(12 + sealed.byteLength);
  out.set(nonce);
  out.set(new Uint8Array(sealed), 12);
  return out;
}

export async function open(keyBytes: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Promise<Uint8Array> {
  if (sealed.length < 12 + 16) throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open');
  const key = await aesKey(keyBytes, ['decrypt']);
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: view(sealed.subarray(0, 12)), additionalData: view(aad) },
      key,
      view(sealed.subarray(12)),
    );
    return new Uint8Array(plain);
  } catch (cause) {
    throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open', { cause });
  }
}
