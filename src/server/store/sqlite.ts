/** The Store in one SQLite file in the data directory (WAL mode: readers never wait for the writer). */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock';
import { KeyAssessment } from '../../core/wire';
import { SendguardError } from '../../core/errors';
import { sqliteEscrowStore } from '../escrow/sqlite-store';
import type { EscrowStore } from '../escrow/store';
import { MIGRATIONS, migrate } from './migrations';
import type {
  ApiTokenRecord,
  CacheEntry,
  KeyringEntry,
  KeyringStore,
  Pin,
  PinStore,
  Store,
  TokenStore,
  VerdictCache,
} from './store';

type Db = Database.Database;

class SqliteVerdictCache<T> implements VerdictCache<T> {
  // Prepared once: the send path reads this cache for every recipient of every message.
  private readonly select: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly removeExpired: Database.Statement;

  constructor(
    db: Db,
    table: 'key_verdicts',
    keyColumn: 'address',
    private readonly schema: z.ZodType<T>,
  ) {
    this.select = db.prepare(`SELECT assessment, expires_at FROM ${table} WHERE ${keyColumn} = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${table} (${keyColumn}, assessment, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (${keyColumn}) DO UPDATE SET assessment = excluded.assessment, expires_at = excluded.expires_at`,
    );
    this.remove = db.prepare(`DELETE FROM ${table} WHERE ${keyColumn} = ?`);
    this.removeExpired = db.prepare(`DELETE FROM ${table} WHERE expires_at < ?`);
  }

  async get(key: string): Promise<CacheEntry<T> | undefined> {
    const row = this.select.get(key) as { assessment: string; expires_at: number } | undefined;
    if (!row) return undefined;
    // A row that no longer reads as an assessment (hand-edited, older format) is a miss, not a crash.
    const parsed = this.schema.safeParse(JSON.parse(row.assessment));
    return parsed.success ? { value: parsed.data, expiresAt: row.expires_at } : undefined;
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

interface PinRow {
  address: string;
  fingerprint: string;
  first_seen: string;
  accepted_by: string;
}

class SqlitePins implements PinStore {
  constructor(private readonly db: Db) {}

  async get(address: string): Promise<Pin | undefined> {
    const row = this.db.prepare('SELECT * FROM pins WHERE address = ?').get(address) as PinRow | undefined;
    return (
      row && {
        address: row.address,
        fingerprint: row.fingerprint,
        firstSeen: row.first_seen,
        acceptedBy: row.accepted_by,
      }
    );
  }

  async put(pin: Pin): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO pins (address, fingerprint, first_seen, accepted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint,
           first_seen = excluded.first_seen, accepted_by = excluded.accepted_by`,
      )
      .run(pin.address, pin.fingerprint, pin.firstSeen, pin.acceptedBy);
  }

  async delete(address: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM pins WHERE address = ?').run(address).changes > 0;
  }
}

interface KeyringRow {
  fingerprint: string;
  armored_key: string;
  added_at: string;
  added_by: string;
  addresses: string | null;
}

/** One row per key, its addresses gathered as a JSON array (SQLite's json_group_array). */
const KEYRING_SELECT = `
  SELECT k.fingerprint, k.armored_key, k.added_at, k.added_by,
    (SELECT json_group_array(address) FROM (SELECT address FROM keyring_addresses a
       WHERE a.fingerprint = k.fingerprint ORDER BY address)) AS addresses
  FROM keyring k`;

function keyringEntry(row: KeyringRow): KeyringEntry {
  return {
    fingerprint: row.fingerprint,
    armoredKey: row.armored_key,
    addresses: JSON.parse(row.addresses ?? '[]') as string[],
    addedAt: row.added_at,
    addedBy: row.added_by,
  };
}

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

interface TokenRow {
  id: string;
  name: string;
  role: ApiTokenRecord['role'];
  hash: string;
  created_at: string;
  revoked_at: string | null;
  owner_name: string | null;
  owner_address: string | null;
}

function tokenRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    hash: row.hash,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
    ...(row.owner_address
      ? { owner: { ...(row.owner_name ? { name: row.owner_name } : {}), address: row.owner_address } }
      : {}),
  };
}

class SqliteTokens implements TokenStore {
  constructor(private readonly db: Db) {}

  async insert(token: ApiTokenRecord): Promise<void> {
    try {
      this.db
        .prepare(
          `INSERT INTO api_tokens (id, name, role, hash, created_at, revoked_at, owner_name, owner_address)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          token.id,
          token.name,
          token.role,
          token.hash,
          token.createdAt,
          token.revokedAt ?? null,
          token.owner?.name ?? null,
          token.owner?.address ?? null,
        );
    } catch (error) {
      // The driver's own error class is no contract; callers branch on a stable code.
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new SendguardError('TOKEN_CONFLICT', 'a token with this id or hash exists already', {
          cause: error,
        });
      }
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

export const DATABASE_FILE = 'sendguard.sqlite';

/** The service's store and secure pickup's tables, on one connection to one file. */
export interface SqliteStore extends Store {
  escrow: EscrowStore;
}

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
    keyVerdicts: new SqliteVerdictCache(db, 'key_verdicts', 'address', KeyAssessment),
    pins: new SqlitePins(db),
    keyring: new SqliteKeyring(db),
    tokens: new SqliteTokens(db),
    escrow: sqliteEscrowStore(db),
    close: async () => {
      db.close();
    },
  };
}
