/** The service's state in one SQLite file in the data directory (WAL: readers never wait for the writer). */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock';
import { fileBlobStore } from '../escrow/blobs';
import { sqliteEscrowStore } from '../escrow/sqlite-store';
import { sqlDecisions, sqliteDecisionWriter } from './decision-store';
import { MIGRATIONS, migrate } from './migrations';
import { everyTaskRuns, memoryRateCounters } from './one-process';
import { keyringEntry, type KeyringRow } from './rows';
import { SqlVerdictCache, sqlPins, sqlTokens } from './sql-records';
import { otherConnectionsFeed } from './sqlite-changes';
import { sqlPolicyVersions } from './policy-versions';
import { sqliteRunner } from './sql-runner';
import { sqlChangedKeys } from './changed-keys';
import { sqlVerdictChanges } from './verdict-changes';
import type { KeyringEntry, KeyringStore, ServiceStore, Settings } from './store';
import {
  KEY_VERDICTS_TABLE,
  MAILBOX_REPORTS_TABLE,
  STS_POLICIES_TABLE,
  TRANSPORT_REPORTS_TABLE,
} from './verdict-tables';

type Db = Database.Database;

/** One row per key, its addresses gathered as a JSON array (SQLite's json_group_array). */
const KEYRING_SELECT = `
  SELECT k.fingerprint, k.armored_key, k.added_at, k.added_by,
    (SELECT json_group_array(address) FROM (SELECT address FROM keyring_addresses a
       WHERE a.fingerprint = k.fingerprint ORDER BY address)) AS addresses
  FROM keyring k`;

class SqliteKeyring implements KeyringStore {
  constructor(private readonly db: Db) {}

  async get(fingerprint: string): Promise<KeyringEntry | undefined> {
    const row = this.db.prepare(`${KEYRING_SELECT} WHERE k.fingerprint = ?`).get(fingerprint) as
      KeyringRow | undefined;
    return row && keyringEntry(row);
  }

  async findByAddress(address: string): Promise<KeyringEntry[]> {
    const rows = this.db
      .prepare(
        `${KEYRING_SELECT} WHERE k.fingerprint IN (SELECT fingerprint FROM keyring_addresses WHERE address = ?)
         ORDER BY k.fingerprint`,
      )
      .all(address) as KeyringRow[];
    return rows.map(keyringEntry);
  }

  async list(): Promise<KeyringEntry[]> {
    return (this.db.prepare(`${KEYRING_SELECT} ORDER BY k.fingerprint`).all() as KeyringRow[]).map(
      keyringEntry,
    );
  }

  async put(entry: KeyringEntry): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM keyring WHERE fingerprint = ?').run(entry.fingerprint);
      this.db
        .prepare('INSERT INTO keyring (fingerprint, armored_key, added_at, added_by) VALUES (?, ?, ?, ?)')
        .run(entry.fingerprint, entry.armoredKey, entry.addedAt, entry.addedBy);
      const address = this.db.prepare(
        'INSERT OR IGNORE INTO keyring_addresses (fingerprint, address) VALUES (?, ?)',
      );
      for (const each of entry.addresses) address.run(entry.fingerprint, each);
    })();
  }

  async delete(fingerprint: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM keyring WHERE fingerprint = ?').run(fingerprint).changes > 0;
  }
}

function sqliteSettings(db: Db): Settings {
  const select = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
  const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)');
  return {
    get: async (name) => select.get(name)?.value,
    async putIfAbsent(name, value) {
      insert.run(name, value);
      return select.get(name)!.value;
    },
  };
}

export const DATABASE_FILE = 'sendguard.sqlite';

/** The service's state in one file: one process uses it (rate counters in memory, every task runs here). */
export type SqliteStore = ServiceStore & { readonly kind: 'sqlite' };

/** Escrow's ciphertext, beside the database file. */
const ESCROW_BLOBS_DIR = 'escrow-blobs';

/**
 * Opens (creating if need be) `<dataDir>/sendguard.sqlite` and brings its schema up to date, stamping the steps
 * applied by `clock`.
 */
export function openSqliteStore(dataDir: string, clock: Clock = systemClock): SqliteStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only a power loss may drop the last commits,
    // which for a cache and audit-light tables is the right trade for write latency.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Freed pages are overwritten: escrow's shredded secrets must not linger in the file.
    db.pragma('secure_delete = ON');
    migrate(db, MIGRATIONS, clock);
  } catch (error) {
    db.close();
    throw error;
  }
  const runner = sqliteRunner(db);
  return {
    kind: 'sqlite',
    keyVerdicts: new SqlVerdictCache(runner, KEY_VERDICTS_TABLE),
    transportReports: new SqlVerdictCache(runner, TRANSPORT_REPORTS_TABLE),
    mailboxReports: new SqlVerdictCache(runner, MAILBOX_REPORTS_TABLE),
    stsPolicies: new SqlVerdictCache(runner, STS_POLICIES_TABLE),
    pins: sqlPins(runner),
    keyring: new SqliteKeyring(db),
    tokens: sqlTokens(runner),
    decisions: sqlDecisions(runner, sqliteDecisionWriter(db)),
    verdictChanges: sqlVerdictChanges(runner),
    changedKeys: sqlChangedKeys(runner),
    settings: sqliteSettings(db),
    policyVersions: sqlPolicyVersions(runner),
    rateCounters: memoryRateCounters(),
    exclusive: everyTaskRuns,
    changes: otherConnectionsFeed(db),
    escrow: sqliteEscrowStore(db),
    escrowBlobs: fileBlobStore(join(dataDir, ESCROW_BLOBS_DIR)),
    close: async () => {
      db.close();
    },
  };
}
