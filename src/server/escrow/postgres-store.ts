/**
 * EscrowStore in PostgreSQL: the statements of `sql-store.ts` (shared with SQLite), their `?` placeholders
 * numbered and each prepared by name (`store/sql-runner.ts`), on a pool whose BIGINT parser gives numbers (the mapping also reads them from text). Transactions
 * take one connection of the pool for their statements (`inTransaction`); everything else is one statement on
 * whichever connection is free, so nodes sharing the database count tries and claim codes atomically as one
 * process does.
 */
import type { Pool } from 'pg';
import { inTransaction } from '../store/postgres/connection';
import { numberPlaceholders, postgresRunner } from '../store/sql-runner';
import { sqlEscrowStore } from './sql-store';
import type { EscrowStore } from './store';

export function postgresEscrowStore(db: Pool): EscrowStore {
  return sqlEscrowStore({
    ...postgresRunner(db),
    atomically: (statements) =>
      inTransaction(db, async (client) => {
        for (const [sql, params] of statements)
          await client.query({ ...numberPlaceholders(sql), values: [...params] });
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
