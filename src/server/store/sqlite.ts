/** The service's state in one SQLite file in the data directory (WAL: readers never wait for the writer). */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../core/clock';
import { fileBlobStore } from '../escrow/blobs';
import { sqliteEscrowStore } from '../escrow/sqlite-store';
import { MIGRATIONS, migrate } from './migrations';
import { everyTaskRuns, memoryRateCounters, noChanges } from './one-process';
import {
  keyringEntry,
  pinRecord,
  pinValues,
  TOKEN_COLUMNS,
  tokenConflict,
  tokenRecord,
  tokenValues,
  type KeyringRow,
  type PinRow,
  type TokenRow,
} from './rows';
import type {
  ApiTokenRecord,
  CacheEntry,
  KeyringEntry,
  KeyringStore,
  Pin,
  PinStore,
  ServiceStore,
  Settings,
  TokenStore,
  VerdictCache,
} from './store';
import {
  cachedEntry,
  KEY_VERDICTS_TABLE,
  STS_POLICIES_TABLE,
  TRANSPORT_REPORTS_TABLE,
  type VerdictTable,
} from './verdict-tables';

type Db = Database.Database;

class SqliteVerdictCache<T> implements VerdictCache<T> {
  // Prepared once: the send path reads these caches for every recipient of every message.
  private readonly select: Database.Statement<[string], { value: string; expires_at: number }>;
  private readonly upsert: Database.Statement<[string, string, number]>;
  private readonly remove: Database.Statement<[string]>;
  private readonly removeExpired: Database.Statement<[number]>;

  constructor(
    db: Db,
    private readonly kind: VerdictTable<T>,
  ) {
    const { table, keyColumn: key, valueColumn: value } = kind;
    this.select = db.prepare(`SELECT ${value} AS value, expires_at FROM ${table} WHERE ${key} = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (${key}, ${value}, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}, expires_at = excluded.expires_at`,
    );
    this.remove = db.prepare(`DELETE FROM ${table} WHERE ${key} = ?`);
    this.removeExpired = db.prepare(`DELETE FROM ${table} WHERE expires_at < ?`);
  }

  async get(key: string): Promise<CacheEntry<T> | undefined> {
    const row = this.select.get(key);
    return row && cachedEntry(this.kind, row.value, row.expires_at);
  }

  async put(key: string, value: T, expiresAt: number): Promise<void> {
    this.upsert.run(key, JSON.stringify(value), expiresAt);
  }

  async delete(key: string): Promise<void> {
    this.remove.run(key);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.removeExpired.run(now).changes;
  }
}

class SqlitePins implements PinStore {
  constructor(private readonly db: Db) {}

  async get(address: string): Promise<Pin | undefined> {
    const row = this.db.prepare('SELECT * FROM pins WHERE address = ?').get(address) as PinRow | undefined;
    return row && pinRecord(row);
  }

  async put(pin: Pin): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO pins (address, fingerprint, first_seen, accepted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint,
           first_seen = excluded.first_seen, accepted_by = excluded.accepted_by`,
      )
      .run(...pinValues(pin));
  }

  async delete(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM pins WHERE address = ?').run(address).changes > 0;
  }
}

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

class SqliteTokens implements TokenStore {
  constructor(private readonly db: Db) {}

  async insert(token: ApiTokenRecord): Promise<void> {
    try {
      this.db
        .prepare(`INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...tokenValues(token));
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) throw tokenConflict(error);
      throw error;
    }
  }

  async findByHash(hash: string): Promise<ApiTokenRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM api_tokens WHERE hash = ?').get(hash) as TokenRow | undefined;
    return row && tokenRecord(row);
  }

  async list(): Promise<ApiTokenRecord[]> {
    return (this.db.prepare('SELECT * FROM api_tokens ORDER BY created_at, id').all() as TokenRow[]).map(
      tokenRecord,
    );
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (
      this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id)
        .changes > 0
    );
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
  return {
    kind: 'sqlite',
    keyVerdicts: new SqliteVerdictCache(db, KEY_VERDICTS_TABLE),
    transportReports: new SqliteVerdictCache(db, TRANSPORT_REPORTS_TABLE),
    stsPolicies: new SqliteVerdictCache(db, STS_POLICIES_TABLE),
    pins: new SqlitePins(db),
    keyring: new SqliteKeyring(db),
    tokens: new SqliteTokens(db),
    settings: sqliteSettings(db),
    rateCounters: memoryRateCounters(),
    exclusive: everyTaskRuns,
    changes: noChanges,
    escrow: sqliteEscrowStore(db),
    escrowBlobs: fileBlobStore(join(dataDir, ESCROW_BLOBS_DIR)),
    close: async () => {
      db.close();
    },
  };
}
