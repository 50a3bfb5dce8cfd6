/**
 * Brings a PostgreSQL database to the newest schema step. Nodes starting at once against one new database each
 * call this: the first takes the advisory lock and migrates, the others wait for it and then find nothing to do.
 */
import type pg from 'pg';
import { systemClock, type Clock } from '../../../core/clock';
import { newestKnown, type Migration } from '../migrations';
import { POSTGRES_MIGRATIONS } from './schema';
import { inTransaction } from './connection';

/** The advisory lock key of schema changes (one bigint; the one-node work uses two-int keys, a separate space). */
const MIGRATION_LOCK = 7_417_001;

/** Applies the steps the database lacks in one transaction, each stamped by `clock`; returns the newest version. */
export async function migratePostgres(
  pool: pg.Pool,
  clock: Clock = systemClock,
  migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
): Promise<number> {
  return inTransaction(pool, async (client) => {
    // A large table's step may take longer than an ordinary statement may; waiting for the lock too.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_migrations',
    );
    const current = rows[0]?.version ?? 0;
    const newest = newestKnown(migrations, current);
    for (const migration of migrations.filter((m) => m.version > current)) {
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        migration.version,
        new Date(clock.now()).toISOString(),
      ]);
    }
    return newest;
  });
}
