/**
 * The STREAM format against Node's own crypto as an independent implementation (known answers), and each way
 * a server or network could tamper with stored ciphertext.
 */
import { createCipheriv, createHash, hkdfSync, randomBytes as randomBytesNode } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { byteSource } from '../../src/core/escrow/byte-source';
import { decryptAll, decryptStream, encryptStream } from '../../src/core/escrow/stream-cipher';
import { HEADER_BYTES, TAG_BYTES } from '../../src/core/escrow/stream-format';

const KAT = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'escrow', 'stream-kat.json'), 'utf8'),
) as {
  contentKey: string;
  salt: string;
  chunkSize: number;
  plaintextBytes: number;
  ciphertextSha256: string;
  firstChunkHex: string;
};

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/** Deterministic plaintext: byte i is i mod 251 (a prime, so chunks differ from one another). */
function plaintext(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => i % 251);
}

async function encrypt(
  key: Uint8Array,
  data: Uint8Array,
  salt: Uint8Array,
  chunkSize = 1024,
): Promise<Uint8Array> {
  const stream = encryptStream(key, byteSource(data), { chunkSize, salt });
  const parts: Buffer[] = [];
  for await (const part of stream.chunks) parts.push(Buffer.from(part));
  const out = Buffer.concat(parts);
  expect(out.length).toBe(stream.size);
  return new Uint8Array(out);
}

/** The format written out again with node:crypto, from the protocol document and nothing else. */
function referenceEncrypt(key: Uint8Array, data: Uint8Array, salt: Uint8Array, chunkSize: number): Buffer {
  const header = Buffer.concat([Buffer.from('SGE1'), Buffer.alloc(4), Buffer.from(salt)]);
  header.writeUInt32BE(chunkSize, 4);
  const streamKey = Buffer.from(hkdfSync('sha256', key, salt, 'sendguard-escrow/v1/stream', 32));
  const count = Math.max(1, Math.ceil(data.length / chunkSize));
  const out = [header];
  for (let i = 0; i < count; i++) {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(i, 7);
    nonce[11] = i === count - 1 ? 1 : 0;
    const cipher = createCipheriv('aes-256-gcm', streamKey, nonce).setAAD(header);
    out.push(
      cipher.update(data.subarray(i * chunkSize, (i + 1) * chunkSize)),
      cipher.final(),
      cipher.getAuthTag(),
    );
  }
  return Buffer.concat(out);
}

const key = hex(KAT.contentKey);
const salt = hex(KAT.salt);

describe('STREAM known answers', () => {
  test('fixed key, salt and plaintext give the recorded ciphertext', async () => {
    const out = await encrypt(key, plaintext(KAT.plaintextBytes), salt, KAT.chunkSize);
    expect(createHash('sha256').update(out).digest('hex')).toBe(KAT.ciphertextSha256);
    expect(Buffer.from(out.subarray(0, HEADER_BYTES + 64)).toString('hex')).toBe(KAT.firstChunkHex);
  });

  test.each([0, 1, 1023, 1024, 1025, 4096, 5000])('matches node:crypto for %i bytes', async (size) => {
    const data = plaintext(size);
    const ours = await encrypt(key, data, salt, 1024);
    expect(Buffer.from(ours).equals(referenceEncrypt(key, data, salt, 1024))).toBe(true);
    expect(Buffer.from(await decryptAll(key, byteSource(ours))).equals(Buffer.from(data))).toBe(true);
  });

  test('a Blob source reads the same as bytes in memory', async () => {
    const data = plaintext(70_000);
    const fromBlob = encryptStream(key, byteSource(new Blob([Buffer.from(data)])), { salt });
    const parts: Uint8Array[] = [];
    for await (const p of fromBlob.chunks) parts.push(p);
    expect(Buffer.concat(parts).equals(referenceEncrypt(key, data, salt, 65536))).toBe(true);
  });
});

describe('STREAM tampering is detected', () => {
  const chunk = 1024 + TAG_BYTES;
  let sealed: Uint8Array;
  beforeAll(async () => {
    sealed = await encrypt(key, plaintext(3000), salt); // three chunks: 1024, 1024, 952
  });
  const refuse = (bytes: Uint8Array, k = key) =>
    expect(decryptAll(k, byteSource(bytes))).rejects.toMatchObject({
      code: expect.stringMatching(/^ESCROW_(DECRYPT_FAILED|FORMAT_INVALID)$/),
    });

  test('truncated at a chunk boundary (the last chunk dropped)', () =>
    refuse(sealed.slice(0, HEADER_BYTES + 2 * chunk)));
  test('truncated inside a chunk', () => refuse(sealed.slice(0, sealed.length - 5)));
  test('header only', () => refuse(sealed.slice(0, HEADER_BYTES)));
  test('chunks reordered', () => {
    const swapped = sealed.slice();
    swapped.set(sealed.subarray(HEADER_BYTES + chunk, HEADER_BYTES + 2 * chunk), HEADER_BYTES);
    swapped.set(sealed.subarray(HEADER_BYTES, HEADER_BYTES + chunk), HEADER_BYTES + chunk);
    return refuse(swapped);
  });
  test.each([0, 5, 10, HEADER_BYTES + 3, HEADER_BYTES + chunk + 100, 3000 + HEADER_BYTES + 40])(
    'bit flipped at byte %i',
    (at) => {
      const flipped = sealed.slice();
      flipped[at]! ^= 0x01;
      return refuse(flipped);
    },
  );
  test('a chunk swapped in from another message', async () => {
    const other = await encrypt(hex('11'.repeat(32)), plaintext(3000), salt);
    const mixed = sealed.slice();
    mixed.set(other.subarray(HEADER_BYTES + chunk, HEADER_BYTES + 2 * chunk), HEADER_BYTES + chunk);
    return refuse(mixed);
  });
  test('a chunk swapped in from another stream of the same message', async () => {
    const other = await encrypt(key, plaintext(3000), hex('22'.repeat(16)));
    const mixed = sealed.slice();
    mixed.set(other.subarray(HEADER_BYTES, HEADER_BYTES + chunk), HEADER_BYTES);
    return refuse(mixed);
  });
  test('wrong last flag: a stream that ends on a chunk sealed as not-last', async () => {
    // Two full chunks cut after the first: the reader must find the last flag on the final chunk, and that
    // chunk was sealed with 0x00.
    const twoFull = await encrypt(key, plaintext(2048), salt);
    return refuse(twoFull.slice(0, HEADER_BYTES + chunk));
  });
  test('wrong key', () => refuse(sealed, hex('33'.repeat(32))));
  test('an expected salt that differs (attachments swapped)', async () => {
    const drain = async () => {
      for await (const _ of decryptStream(key, byteSource(sealed), hex('44'.repeat(16))));
    };
    await expect(drain()).rejects.toMatchObject({ code: 'ESCROW_DECRYPT_FAILED' });
  });
});

describe('reading from a Blob', () => {
  test('chunks that straddle the 4 MiB read windows decrypt to the original bytes', async () => {
    const data = new Uint8Array(randomBytesNode(9 * 1024 * 1024 + 77));
    const sealed = await encrypt(key, data, salt, 65536);
    const fromBlob = await decryptAll(key, byteSource(new Blob([Buffer.from(sealed)])));
    expect(Buffer.from(fromBlob).equals(Buffer.from(data))).toBe(true);
    const encryptedFromBlob = encryptStream(key, byteSource(new Blob([Buffer.from(data)])), { salt });
    const parts: Uint8Array[] = [];
    for await (const part of encryptedFromBlob.chunks) parts.push(part);
    expect(Buffer.concat(parts).equals(Buffer.from(sealed))).toBe(true);
  });
});
