/**
 * EscrowStore in SQLite, on the service store's one connection (`store/sqlite.ts`); its tables come from the one
 * migration list (`store/migrations.ts`) and its statements from `sql-store.ts`, shared with PostgreSQL.
 * `secure_delete` (set where the connection opens) overwrites freed pages, and a WAL checkpoint after each shred
 * leaves no old copy of a destroyed secret in the log.
 */
import type Database from 'better-sqlite3';
import { sqlEscrowStore, type Row } from './sql-store';
import type { EscrowStore } from './store';

/** The escrow tables of the service's database; `db` is migrated already (`openSqliteStore`). */
export function sqliteEscrowStore(db: Database.Database): EscrowStore {
  // better-sqlite3 is synchronous: a statement runs whole before anything else can use the connection.
  const run = (sql: string, params: readonly unknown[]) => db.prepare(sql).run(...params).changes;
  return sqlEscrowStore({
    all: async (sql, params) => db.prepare(sql).all(...params) as Row[],
    one: async (sql, params) => db.prepare(sql).get(...params) as Row | undefined,
    run: async (sql, params) => run(sql, params),
    atomically: async (statements) => {
      db.transaction(() => {
        for (const [sql, params] of statements) run(sql, params);
      })();
    },
    afterShred: async () => {
      // Pages with the old values may sit in the WAL until a checkpoint copies the new ones over them.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  });
}
