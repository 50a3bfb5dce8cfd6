/**
 * EscrowStore in SQLite, on the service store's one connection (`store/sqlite.ts`); its tables come from the one
 * migration list (`store/migrations.ts`) and its statements from `sql-store.ts`, shared with PostgreSQL.
 * `secure_delete` (set where the connection opens) overwrites freed pages, and a WAL checkpoint after each shred
 * leaves no old copy of a destroyed secret in the log.
 */
import type Database from 'better-sqlite3';
import { sqliteRunner } from '../store/sql-runner';
import { sqlEscrowStore } from './sql-store';
import type { EscrowStore } from './store';

/** The escrow tables of the service's database; `db` is migrated already (`openSqliteStore`). */
export function sqliteEscrowStore(db: Database.Database): EscrowStore {
  return sqlEscrowStore({
    ...sqliteRunner(db),
    // better-sqlite3 is synchronous: a statement runs whole before anything else can use the connection, and the
    // transaction's statements run inside it one after another.
    atomically: async (statements) => {
      db.transaction(() => {
        for (const [sql, params] of statements) db.prepare(sql).run(...params);
      })();
    },
    afterShred: async () => {
      // Pages with the old values may sit in the WAL until a checkpoint copies the new ones over them.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  });
}
