/**
 * EscrowStore in PostgreSQL: the statements of `sql-store.ts` (shared with SQLite), their `?` placeholders
 * numbered, on a pool whose BIGINT parser gives numbers (the mapping also reads them from text). Transactions
 * take one connection of the pool for their statements (`inTransaction`); everything else is one statement on
 * whichever connection is free, so nodes sharing the database count tries and claim codes atomically as one
 * process does.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../store/postgres/connection';
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
    atomically: (statements) =>
      inTransaction(db, async (client) => {
        for (const [sql, params] of statements) await client.query(numberPlaceholders(sql), [...params]);
      }),
    // PostgreSQL has no secure_delete: an UPDATE leaves the old row version (with the sealed secret and wrapped
    // keys) as a dead tuple in the table's pages until VACUUM reclaims the space — and even then the bytes stay
    // until the page is written over — and the WAL (and any WAL archive or replica) keeps the old values as long
    // as it is kept. Emptying the columns therefore does not by itself close anything to someone holding the
    // files. The server key, kept outside the database, closes the recipients' side only: `S` is stored sealed
    // under it, so those files and a recipient's link open nothing without the key. The sender's side it does not
    // close: `WS` is wrapped under the sender's link secret alone, so those files and the sender's link open the
    // message without any key (docs/deploy.md, "What a database backup opens").
    afterShred: async () => {},
  });
}
