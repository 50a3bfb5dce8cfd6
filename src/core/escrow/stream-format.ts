/**
 * The layout of one encrypted stream (docs/escrow-protocol.md, "Stream"): a 24-byte header, then AES-256-GCM
 * chunks whose nonce is the chunk counter and a last-chunk flag. Pure byte layout, no crypto.
 */
import { EscrowCryptoError } from './errors';

export const STREAM_MAGIC = [0x53, 0x47, 0x45, 0x31] as const; // "SGE1"
export const HEADER_BYTES = 24;
export const SALT_BYTES = 16;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
const MIN_CHUNK_SIZE = 1024;
const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** The counter is 32 bits: beyond that nonces would repeat. */
const MAX_CHUNKS = 2 ** 32;

export interface StreamHeader {
  chunkSize: number;
  salt: Uint8Array;
  /** The header's 24 bytes exactly as stored: every chunk authenticates them. */
  bytes: Uint8Array;
}

function validChunkSize(size: number): boolean {
  return (
    Number.isInteger(size) && size >= MIN_CHUNK_SIZE && size <= MAX_CHUNK_SIZE && (size & (size - 1)) === 0
  );
}

export function encodeHeader(chunkSize: number, salt: Uint8Array): StreamHeader {
  if (!validChunkSize(chunkSize) || salt.length !== SALT_BYTES)
    throw new EscrowCryptoError('ESCROW_INPUT_INVALID', 'chunk size or salt out of range');
  const bytes = new Uint8Array(HEADER_BYTES);
  bytes.set(STREAM_MAGIC);
  new DataView(bytes.buffer).setUint32(4, chunkSize);
  bytes.set(salt, 8);
  return { chunkSize, salt: bytes.slice(8), bytes };
}

export function decodeHeader(bytes: Uint8Array): StreamHeader {
  const magicOk = bytes.length === HEADER_BYTES && STREAM_MAGIC.every((b, i) => bytes[i] === b);
  const chunkSize = magicOk ? new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4) : 0;
  if (!magicOk || !validChunkSize(chunkSize))
    throw new EscrowCryptoError('ESCROW_FORMAT_INVALID', 'not an escrow stream of a known version');
  return { chunkSize, salt: bytes.slice(8, 24), bytes: bytes.slice() };
}

export function chunkNonce(index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setUint32(7, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** How many chunks a plaintext of this size takes: an empty stream still has one (empty, last) chunk. */
export function chunkCount(plaintextSize: number, chunkSize: number): number {
  const count = Math.max(1, Math.ceil(plaintextSize / chunkSize));
  if (count >= MAX_CHUNKS) throw new EscrowCryptoError('ESCROW_INPUT_INVALID', 'too large for one stream');
  return count;
}

export function ciphertextSize(plaintextSize: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  return HEADER_BYTES + plaintextSize + TAG_BYTES * chunkCount(plaintextSize, chunkSize);
}

/**
 * The chunk layout a ciphertext of this size must have. Only shapes the encryptor produces are accepted: every
 * chunk full except the last, and the last empty only when it is the only one.
 */
export function ciphertextLayout(size: number, chunkSize: number): { count: number; lastLength: number } {
  const body = size - HEADER_BYTES;
  const full = chunkSize + TAG_BYTES;
  const count = Math.max(1, Math.ceil(body / full));
  const lastLength = body - (count - 1) * full;
  const lastOk = lastLength >= TAG_BYTES && (lastLength > TAG_BYTES || count === 1);
  if (body < TAG_BYTES || !lastOk || count >= MAX_CHUNKS)
    throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open');
  return { count, lastLength };
}
