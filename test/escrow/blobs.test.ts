/**
 * The blob store's contract, for the file store of one node and the PostgreSQL store nodes share: a part lands
 * only where the blob stands (a retried or stale part is refused, of two at once one wins), a blob streams back
 * byte for byte, and PostgreSQL reads a large blob a chunk at a time as the reader takes it.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type pg from 'pg';
import { fileBlobStore, type BlobStore } from '../../src/server/escrow/blobs';
import { postgresBlobStore } from '../../src/server/escrow/postgres-blobs';
import { migratePostgres } from '../../src/server/store/postgres/migrate';
import { openPool } from '../../src/server/store/postgres/pool';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';

const MiB = 1024 * 1024;

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

let server: PostgresServer | undefined;
/** A node's pool on a fresh database with the service's schema. */
async function postgresPool(): Promise<pg.Pool> {
  server ??= await startPostgres();
  const pool = openPool(await server.newDatabase(), 10, () => undefined);
  stopAtFileEnd(() => pool.end());
  await migratePostgres(pool);
  return pool;
}

describe.each([
  ['files', async () => fileBlobStore(scratchDir('blobs'))],
  ['PostgreSQL', async () => postgresBlobStore(await postgresPool())],
])('blob store in %s', (_, open: () => Promise<BlobStore>) => {
  let blobs: BlobStore;
  beforeEach(async () => {
    blobs = await open();
  });

  test('parts land only at the size the blob has: stale, repeated and early parts are refused', async () => {
    const [a, b, c] = [randomBytes(100), randomBytes(50), randomBytes(7)];
    expect(await blobs.size('m1', 'blob-0')).toBe(0);
    expect(await blobs.append('m1', 'blob-0', 10, a)).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 0, a)).toBe(true);
    expect(await blobs.append('m1', 'blob-0', 0, a)).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 0, b)).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 99, b)).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 101, b)).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 100, b)).toBe(true);
    expect(await blobs.append('m1', 'blob-0', 150, new Uint8Array(0))).toBe(true);
    expect(await blobs.append('m1', 'blob-0', 150, c)).toBe(true);
    expect(await blobs.append('m1', 'blob-0', 100, b)).toBe(false);
    expect(await blobs.size('m1', 'blob-0')).toBe(157);
    expect(await readAll(blobs.read('m1', 'blob-0'))).toEqual(Buffer.concat([a, b, c]));
  });

  test('of parts appended at the same offset at once, exactly one lands', async () => {
    expect(await blobs.append('m1', 'blob-0', 0, randomBytes(10))).toBe(true);
    const parts = Array.from({ length: 8 }, (_, n) => randomBytes(1000 + n));
    const landed = await Promise.all(parts.map((part) => blobs.append('m1', 'blob-0', 10, part)));
    expect(landed.filter(Boolean)).toHaveLength(1);
    const winner = parts[landed.indexOf(true)]!;
    expect(await blobs.size('m1', 'blob-0')).toBe(10 + winner.length);
    expect((await readAll(blobs.read('m1', 'blob-0'))).subarray(10)).toEqual(winner);
  });

  test('a blob of many parts streams back byte for byte; deleting the message removes each of its blobs', async () => {
    const parts = [1, 64 * 1024, 3, 200_000, 5000].map((n) => randomBytes(n));
    let offset = 0;
    for (const part of parts) {
      expect(await blobs.append('m1', 'blob-0', offset, part)).toBe(true);
      offset += part.length;
    }
    expect(await blobs.append('m1', 'reply-r1-0', 0, randomBytes(20))).toBe(true);
    expect(await blobs.append('m2', 'blob-0', 0, randomBytes(30))).toBe(true);
    expect((await readAll(blobs.read('m1', 'blob-0'))).equals(Buffer.concat(parts))).toBe(true);

    await blobs.deleteMessage('m1');
    expect(await blobs.size('m1', 'blob-0')).toBe(0);
    expect(await blobs.size('m1', 'reply-r1-0')).toBe(0);
    expect(await blobs.size('m2', 'blob-0')).toBe(30);
  });

  test('a message id or blob name that is not a plain word is refused before any storage is touched', async () => {
    await expect(blobs.append('../m1', 'blob-0', 0, randomBytes(1))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(blobs.size('m1', 'blob/0')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(() => blobs.read('m1', '')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    await expect(blobs.deleteMessage('m1/..')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

test('PostgreSQL reads a large blob one chunk at a time, fetching the next only as the reader takes one', async () => {
  const pool = await postgresPool();
  const blobs = postgresBlobStore(pool);
  const chunks = Array.from({ length: 40 }, () => randomBytes(MiB));
  for (const [n, chunk] of chunks.entries())
    expect(await blobs.append('big', 'blob-0', n * MiB, chunk)).toBe(true);

  const query = jest.spyOn(pool, 'query');
  const fetched = () => query.mock.calls.filter(([sql]) => String(sql).startsWith('SELECT bytes')).length;
  /** Lets anything the stream would fetch by itself go ahead: a few round trips on the same pool. */
  const settle = async () => {
    for (let n = 0; n < 3; n++) await pool.query('SELECT 1');
  };

  const stream = blobs.read('big', 'blob-0');
  await settle();
  expect(fetched()).toBe(0);
  const reader = stream[Symbol.asyncIterator]();
  let taken = 0;
  let mostAhead = 0;
  for (;;) {
    const { value, done } = (await reader.next()) as IteratorResult<Buffer>;
    if (done) break;
    // Buffer.equals: jest's deep equality walks a MiB byte by byte.
    expect(value.equals(chunks[taken]!)).toBe(true);
    taken += 1;
    await settle();
    mostAhead = Math.max(mostAhead, fetched() - taken);
  }
  expect(taken).toBe(40);
  // One chunk waiting for the reader beside the one it holds; the final fetch finds the end.
  expect(mostAhead).toBeLessThanOrEqual(1);
  expect(fetched()).toBe(41);
});

test('a PostgreSQL blob deleted while it is read ends its stream with an error, not short', async () => {
  const blobs = postgresBlobStore(await postgresPool());
  const chunks = [randomBytes(1000), randomBytes(1000), randomBytes(1000)];
  for (const [n, chunk] of chunks.entries()) await blobs.append('gone', 'blob-0', n * 1000, chunk);
  const reader = blobs.read('gone', 'blob-0')[Symbol.asyncIterator]();
  expect(((await reader.next()) as IteratorResult<Buffer>).value.equals(chunks[0]!)).toBe(true);
  await blobs.deleteMessage('gone');
  // The stream may have fetched the second chunk before the delete; it cannot end without an error.
  const rest = (async () => {
    for (;;) if ((await reader.next()).done) return 'ended';
  })();
  await expect(rest).rejects.toMatchObject({ code: 'BLOB_DELETED' });
});
