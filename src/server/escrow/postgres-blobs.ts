/**
 * Ciphertext in PostgreSQL, as `bytea` rows of `escrow_blob_chunks`: one row per upload part, keyed by where it
 * starts in its blob. An append is one INSERT that lands only when its start is the blob's stored size; two parts
 * at the same offset at once meet on the primary key, and the later one inserts nothing. Chunks are contiguous
 * (each starts where the last one ended), so a statement that read an older size can only pick a start already
 * taken. Reading fetches one chunk per query, only when the reader wants more, and holds no connection between
 * chunks: a slow download never ties up the pool. A blob deleted (its message purged or revoked) while it is read
 * ends its stream with an error, not early as if it were whole.
 *
 * Why bytea rows and not large objects: a chunk row is written by one ordinary statement, so the exact-offset
 * check and the write are one atomic INSERT; it is removed with ordinary DELETEs (large objects outlive their
 * reference until lo_unlink or vacuumlo), copied by pg_dump with the table, and needs no transaction held open
 * across a download (large-object descriptors live only inside one). The cost is each part whole in memory while
 * it is written or read, bounded by escrow.maxPartBytes, and more than once on reading: node-postgres receives
 * bytea as hex text, so a chunk of n bytes arrives as a string of 2n + 2 characters and is then decoded into its
 * n-byte Buffer (about three times the chunk at the peak, per download). Binary results are no way out: this
 * node-postgres decodes every field it receives as UTF-8 text, which garbles bytes that are not valid UTF-8.
 */
import { Readable } from 'node:stream';
import type { Pool } from 'pg';
import { SendguardError } from '../../core/errors';
import { checkBlobNames, type BlobStore } from './blobs';

/** The blob's size: where its last chunk ends (the primary key's order finds it without reading the others). */
const STORED_SIZE = `COALESCE((SELECT start + length(bytes) FROM escrow_blob_chunks
  WHERE message_id = $1 AND name = $2 ORDER BY start DESC LIMIT 1), 0)`;

/** A download's end only when the chunks it read are still there; none left means the message was deleted. */
function deletedWhileRead(name: string): SendguardError {
  return new SendguardError('BLOB_DELETED', `${name} was deleted while it was being read`);
}

export function postgresBlobStore(db: Pool): BlobStore {
  const chunkBefore = async (messageId: string, name: string, offset: number) =>
    (
      await db.query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM escrow_blob_chunks WHERE message_id = $1 AND name = $2 AND start < $3)
           AS found`,
        [messageId, name, offset],
      )
    ).rows[0]!.found;
  const size = async (messageId: string, name: string) => {
    checkBlobNames(messageId, name);
    const { rows } = await db.query<{ size: string }>(`SELECT ${STORED_SIZE} AS size`, [messageId, name]);
    return Number(rows[0]!.size);
  };
  return {
    size,
    async append(messageId, name, offset, bytes) {
      checkBlobNames(messageId, name);
      // An empty chunk would take the start that the next part needs.
      if (bytes.length === 0) return (await size(messageId, name)) === offset;
      const { rowCount } = await db.query(
        `INSERT INTO escrow_blob_chunks (message_id, name, start, bytes)
         SELECT $1::text, $2::text, $3::bigint, $4::bytea WHERE $3::bigint = ${STORED_SIZE}
         ON CONFLICT DO NOTHING`,
        [messageId, name, offset, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
      );
      return rowCount === 1;
    },
    read(messageId, name) {
      checkBlobNames(messageId, name);
      let next = 0;
      return new Readable({
        // A chunk is pushed only when the reader's buffer runs low, so at most one waits for it beside the one
        // being fetched.
        highWaterMark: 1,
        read() {
          db.query<{ bytes: Buffer }>(
            'SELECT bytes FROM escrow_blob_chunks WHERE message_id = $1 AND name = $2 AND start = $3',
            [messageId, name, next],
          )
            .then(async ({ rows }) => {
              const chunk = rows[0]?.bytes;
              if (chunk) next += chunk.length;
              else if (next > 0 && !(await chunkBefore(messageId, name, next))) throw deletedWhileRead(name);
              this.push(chunk ?? null);
            })
            .catch((error: Error) => this.destroy(error));
        },
      });
    },
    async deleteMessage(messageId) {
      checkBlobNames(messageId);
      await db.query('DELETE FROM escrow_blob_chunks WHERE message_id = $1', [messageId]);
    },
  };
}
