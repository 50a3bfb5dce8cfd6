/**
 * STREAM over AES-256-GCM (docs/escrow-protocol.md): each stream gets its own key, HKDF of the message's
 * content key and the stream's random salt, so a chunk moved between streams or messages fails to open; the
 * counter in the nonce catches reordering, and the last-chunk flag catches truncation at a chunk boundary.
 */
import type { ByteSource } from './byte-source';
import { concatBytes, equalBytes, randomBytes } from './bytes';
import { EscrowCryptoError } from './errors';
import {
  chunkCount,
  chunkNonce,
  ciphertextLayout,
  ciphertextSize,
  decodeHeader,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  HEADER_BYTES,
  SALT_BYTES,
  TAG_BYTES,
  type StreamHeader,
} from './stream-format';
import { aesKey, hkdf, subtle, view, type Key } from './subtle';

const STREAM_INFO = 'sendguard-escrow/v1/stream';

async function streamKey(
  contentKey: Uint8Array,
  salt: Uint8Array,
  usage: 'encrypt' | 'decrypt',
): Promise<Key> {
  return aesKey(await hkdf(contentKey, salt, STREAM_INFO), [usage]);
}

export interface EncryptedStream {
  salt: Uint8Array;
  /** Bytes `chunks` will yield in total, known before encrypting (for progress and upload sizes). */
  size: number;
  /** The header, then one ciphertext chunk at a time. */
  chunks: AsyncGenerator<Uint8Array>;
}

export interface StreamOptions {
  chunkSize?: number;
  /** Fixed only by known-answer tests; random otherwise. */
  salt?: Uint8Array;
}

export function encryptStream(
  contentKey: Uint8Array,
  source: ByteSource,
  options: StreamOptions = {},
): EncryptedStream {
  const header = encodeHeader(
    options.chunkSize ?? DEFAULT_CHUNK_SIZE,
    options.salt ?? randomBytes(SALT_BYTES),
  );
  return {
    salt: header.salt,
    size: ciphertextSize(source.size, header.chunkSize),
    chunks: encryptChunks(contentKey, source, header),
  };
}

async function* encryptChunks(
  contentKey: Uint8Array,
  source: ByteSource,
  header: StreamHeader,
): AsyncGenerator<Uint8Array> {
  const key = await streamKey(contentKey, header.salt, 'encrypt');
  yield header.bytes;
  const count = chunkCount(source.size, header.chunkSize);
  yield* inOrder(count, async (i) => {
    const plaintext = await source.read(i * header.chunkSize, header.chunkSize);
    const sealed = await subtle().encrypt(
      { name: 'AES-GCM', iv: chunkNonce(i, i === count - 1), additionalData: view(header.bytes) },
      key,
      view(plaintext),
    );
    return new Uint8Array(sealed);
  });
}

/**
 * Chunks in flight at once. WebCrypto runs each call off the main thread and a Blob read is an IPC round trip,
 * so one chunk at a time leaves the CPU idle between calls; a few ahead keep it busy while memory stays at a
 * few chunks.
 */
const IN_FLIGHT = 8;

/** Runs `work(i)` for i = 0…count-1 with up to IN_FLIGHT started ahead, yielding results in order. */
async function* inOrder(count: number, work: (i: number) => Promise<Uint8Array>): AsyncGenerator<Uint8Array> {
  const pending: Array<Promise<Uint8Array>> = [];
  let started = 0;
  for (let i = 0; i < count; i++) {
    while (started < count && started < i + IN_FLIGHT) {
      const job = work(started++);
      // Awaited in order below; this only keeps a failure of a later chunk from being "unhandled" meanwhile.
      job.catch(() => undefined);
      pending.push(job);
    }
    yield await pending.shift()!;
  }
}

/**
 * Plaintext one chunk at a time. Nothing is yielded from a chunk that fails, but earlier chunks were already
 * yielded: a consumer must discard everything unless the generator finishes without throwing.
 */
export async function* decryptStream(
  contentKey: Uint8Array,
  source: ByteSource,
  expectedSalt?: Uint8Array,
): AsyncGenerator<Uint8Array> {
  if (source.size < HEADER_BYTES) throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open');
  const header = decodeHeader(await source.read(0, HEADER_BYTES));
  if (expectedSalt && !equalBytes(header.salt, expectedSalt))
    throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open');
  const { count, lastLength } = ciphertextLayout(source.size, header.chunkSize);
  const key = await streamKey(contentKey, header.salt, 'decrypt');
  const full = header.chunkSize + TAG_BYTES;
  yield* inOrder(count, async (i) => {
    const last = i === count - 1;
    const sealed = await source.read(HEADER_BYTES + i * full, last ? lastLength : full);
    try {
      const plain = await subtle().decrypt(
        { name: 'AES-GCM', iv: chunkNonce(i, last), additionalData: view(header.bytes) },
        key,
        view(sealed),
      );
      return new Uint8Array(plain);
    } catch (cause) {
      throw new EscrowCryptoError('ESCROW_DECRYPT_FAILED', 'this does not open', { cause });
    }
  });
}

/** A whole (small) stream in memory, e.g. the manifest: all chunks or an error. */
export async function decryptAll(
  contentKey: Uint8Array,
  source: ByteSource,
  expectedSalt?: Uint8Array,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of decryptStream(contentKey, source, expectedSalt)) parts.push(part);
  return concatBytes(...parts);
}
