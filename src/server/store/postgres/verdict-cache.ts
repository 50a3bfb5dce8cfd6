/**
 * A verdict cache in its PostgreSQL table. Statements are prepared by name on each connection: the send path
 * reads these for every recipient of every message. A write to a cache that other nodes hold in memory (`changes`)
 * announces itself in the same statement.
 */
import type pg from 'pg';
import type { CacheEntry, ChangedCache, VerdictCache } from '../store';
import { cachedEntry, type VerdictTable } from '../verdict-tables';
import { announcing } from './change-feed';

export class PostgresVerdictCache<T> implements VerdictCache<T> {
  constructor(
    private readonly pool: pg.Pool,
    private readonly kind: VerdictTable<T>,
    /** Which cache to announce changes as, and which node this is; nothing is announced without it. */
    private readonly changes?: { cache: ChangedCache; node: string },
  ) {}

  async get(key: string): Promise<CacheEntry<T> | undefined> {
    const { table, keyColumn, valueColumn } = this.kind;
    const { rows } = await this.pool.query<{ value: string; expires_at: number }>({
      name: `${table}-get`,
      text: `SELECT ${valueColumn} AS value, expires_at FROM ${table} WHERE ${keyColumn} = $1`,
      values: [key],
    });
    const row = rows[0];
    return row && cachedEntry(this.kind, row.value, row.expires_at);
  }

  async put(key: string, value: T, expiresAt: number): Promise<void> {
    const { table, keyColumn, valueColumn } = this.kind;
    await this.write(
      'put',
      key,
      `INSERT INTO ${table} (${keyColumn}, ${valueColumn}, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (${keyColumn}) DO UPDATE SET ${valueColumn} = excluded.${valueColumn},
         expires_at = excluded.expires_at
       RETURNING 1`,
      [key, JSON.stringify(value), expiresAt],
    );
  }

  async delete(key: string): Promise<void> {
    const { table, keyColumn } = this.kind;
    await this.write('delete', key, `DELETE FROM ${table} WHERE ${keyColumn} = $1 RETURNING 1`, [key]);
  }

  async deleteExpired(now: number): Promise<number> {
    const { rowCount } = await this.pool.query(`DELETE FROM ${this.kind.table} WHERE expires_at < $1`, [now]);
    return rowCount ?? 0;
  }

  private async write(verb: string, key: string, statement: string, params: unknown[]): Promise<void> {
    const name = `${this.kind.table}-${verb}`;
    await this.pool.query(
      this.changes
        ? { name, ...announcing(statement, params, { ...this.changes, key }) }
        : { name, text: statement, values: params },
    );
  }
}
