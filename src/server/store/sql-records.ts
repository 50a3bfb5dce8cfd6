/**
 * The verdict caches, pins and API tokens in SQL both databases speak, written once over a `SqlRunner`. Writes to
 * what nodes hold in memory (key verdicts, transport and mailbox reports, tokens) name their change, which PostgreSQL
 * announces in the same statement.
 */
import { asTokenConflict, type SqlRunner } from './sql-runner';
import {
  pinRecord,
  pinValues,
  TOKEN_COLUMNS,
  tokenRecord,
  tokenValues,
  type PinRow,
  type TokenRow,
} from './rows';
import type { CacheEntry, ChangedCache, PinStore, TokenStore, VerdictCache } from './store';
import { cachedEntry, type VerdictTable } from './verdict-tables';

export class SqlVerdictCache<T> implements VerdictCache<T> {
  private readonly select: string;
  private readonly upsert: string;
  private readonly remove: string;
  private readonly removeExpired: string;

  constructor(
    private readonly db: SqlRunner,
    private readonly kind: VerdictTable<T>,
    /** Which cache to announce changes as; nothing is announced without it. */
    private readonly announceAs?: ChangedCache,
  ) {
    const { table, keyColumn: key, valueColumn: value } = kind;
    this.select = `SELECT ${value} AS value, expires_at FROM ${table} WHERE ${key} = ?`;
    this.upsert = `INSERT INTO ${table} (${key}, ${value}, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (${key}) DO UPDATE SET ${value} = excluded.${value}, expires_at = excluded.expires_at`;
    this.remove = `DELETE FROM ${table} WHERE ${key} = ?`;
    this.removeExpired = `DELETE FROM ${table} WHERE expires_at < ?`;
  }

  async get(key: string): Promise<CacheEntry<T> | undefined> {
    const row = await this.db.one(this.select, [key]);
    return row && cachedEntry(this.kind, row.value as string, Number(row.expires_at));
  }

  async put(key: string, value: T, expiresAt: number): Promise<void> {
    await this.db.run(this.upsert, [key, JSON.stringify(value), expiresAt], this.change(key));
  }

  async delete(key: string): Promise<void> {
    await this.db.run(this.remove, [key], this.change(key));
  }

  deleteExpired(now: number): Promise<number> {
    return this.db.run(this.removeExpired, [now]);
  }

  private change(key: string) {
    return this.announceAs && { cache: this.announceAs, key };
  }
}

export function sqlPins(db: SqlRunner): PinStore {
  return {
    async get(address) {
      const row = await db.one('SELECT * FROM pins WHERE address = ?', [address]);
      return row && pinRecord(row as unknown as PinRow);
    },
    async list() {
      const rows = await db.all('SELECT * FROM pins ORDER BY address', []);
      return rows.map((row) => pinRecord(row as unknown as PinRow));
    },
    async put(pin) {
      await db.run(
        `INSERT INTO pins (address, fingerprint, first_seen, accepted_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint,
           first_seen = excluded.first_seen, accepted_by = excluded.accepted_by`,
        pinValues(pin),
      );
    },
    async delete(address) {
      return (await db.run('DELETE FROM pins WHERE address = ?', [address])) > 0;
    },
  };
}

/** Inserts and revocations are announced (cache `tokens`, key = the token's id): nodes may hold tokens in memory. */
export function sqlTokens(db: SqlRunner): TokenStore {
  return {
    async insert(token) {
      await db
        .run(
          `INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          tokenValues(token),
          {
            cache: 'tokens',
            key: token.id,
          },
        )
        .catch((error: unknown) => {
          throw asTokenConflict(error);
        });
    },
    async findByHash(hash) {
      // Every API request looks its token up: prepared once per connection, as every statement here.
      const row = await db.one('SELECT * FROM api_tokens WHERE hash = ?', [hash]);
      return row && tokenRecord(row as unknown as TokenRow);
    },
    async list() {
      return (await db.all('SELECT * FROM api_tokens ORDER BY created_at, id', [])).map((row) =>
        tokenRecord(row as unknown as TokenRow),
      );
    },
    async revoke(id, at) {
      const changed = await db.run(
        'UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
        [at, id],
        { cache: 'tokens', key: id },
      );
      return changed > 0;
    },
  };
}
