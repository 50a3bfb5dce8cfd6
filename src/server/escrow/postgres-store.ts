/**
 * EscrowStore in PostgreSQL: the statements of `sql-store.ts` (shared with SQLite), their `?` placeholders
 * numbered, on a pool whose BIGINT parser gives numbers (the mapping also reads them from text). Transactions take
 * one connection of the pool for their statements; everything else is one statement on whichever connection is
 * free, so nodes sharing the database count tries and claim codes atomically as one process does.
 */
import type { Pool } from 'pg';
import { sqlEscrowStore, type Row } from './sql-store';
import type { EscrowStore } from './store';

const numbered = new Map<string, string>();

/** `?` -> `$1`, `$2`, …: the statements are constants with no `?` inside a literal. */
function numberPlaceholders(sql: string): string {
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    numbered.set(sql, text);
  }
  return text;
}

export function postgresEscrowStore(db: Pool): EscrowStore {
  const query = (sql: string, params: readonly unknown[]) =>
    db.query<Row>(numberPlaceholders(sql), [...params]);
  return sqlEscrowStore({
    all: async (sql, params) => (await query(sql, params)).rows,
    one: async (sql, params) => (await query(sql, params)).rows[0],
    run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
    async atomically(statements) {
      const client = await db.connect();
      try {
        await client.query('BEGIN');
        for (const [sql, params] of statements) await client.query(numberPlaceholders(sql), [...params]);
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        // A connection whose transaction could not be rolled back is not handed out again.
        await client.query('ROLLBACK').then(
          () => client.release(),
          (rollbackError: Error) => client.release(rollbackError),
        );
        throw error;
      }
    },
    // PostgreSQL has no secure_delete: an UPDATE leaves the old row version (with the sealed secret and wrapped
    // keys) as a dead tuple in the table's pages until VACUUM reclaims the space — and even then the bytes stay
    // until the page is written over — and the WAL (and any WAL archive or replica) keeps the old values as long
    // as it is kept. The row's absence therefore closes nothing; what keeps a shredded message closed is the
    // server key, which lives outside the database: a secret sealed under it cannot be opened from a copy of the
    // database alone.
    afterShred: async () => {},
  });
}
