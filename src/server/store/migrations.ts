/**
 * The SQLite schema as an ordered list of steps. A step, once released, never changes: a new need is a new step,
 * so every database reaches the same schema whatever version it started from.
 */
import type Database from 'better-sqlite3';
import { SendguardError } from '../../core/errors';

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE domain_verdicts (
        domain TEXT PRIMARY KEY,
        assessment TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX domain_verdicts_expiry ON domain_verdicts (expires_at);
      CREATE TABLE key_verdicts (
        address TEXT PRIMARY KEY,
        assessment TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX key_verdicts_expiry ON key_verdicts (expires_at);
      CREATE TABLE pins (
        address TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        accepted_by TEXT NOT NULL
      );
      CREATE TABLE keyring (
        fingerprint TEXT PRIMARY KEY,
        armored_key TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
      );
      CREATE TABLE keyring_addresses (
        fingerprint TEXT NOT NULL REFERENCES keyring (fingerprint) ON DELETE CASCADE,
        address TEXT NOT NULL,
        PRIMARY KEY (fingerprint, address)
      );
      CREATE INDEX keyring_addresses_address ON keyring_addresses (address);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('sender', 'admin')),
        hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
    `,
  },
];

/** Applies the steps the database lacks, all in one transaction; refuses a database from newer code. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
  );
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get() as {
      version: number | null;
    };
    const current = row.version ?? 0;
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new SendguardError(
        'STORE_TOO_NEW',
        `the database is at schema version ${current}; this Sendguard knows versions up to ${newest}`,
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
    for (const migration of migrations.filter((m) => m.version > current)) {
      db.exec(migration.sql);
      record.run(migration.version, new Date().toISOString());
    }
    return newest;
  });
  // IMMEDIATE takes the write lock first, so two processes opening one new database cannot both migrate it.
  return apply.immediate();
}
