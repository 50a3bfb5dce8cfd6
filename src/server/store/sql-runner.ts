/**
 * One way to run a statement on either database, so that the statements the two share are written once with `?`
 * placeholders (the verdict caches, pins and API tokens here; escrow's in `../escrow/sql-store.ts`). SQLite
 * prepares each statement once per connection; PostgreSQL numbers the placeholders and prepares each statement by
 * name on each connection. A write that other nodes may hold in memory names its change: PostgreSQL announces it
 * in the same statement (`postgres/change-feed.ts`); SQLite, which one process uses, has no one to tell.
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { announcing } from './postgres/change-feed';
import { tokenConflict } from './rows';
import type { Change } from './store';

export type Row = Record<string, unknown>;

export interface SqlRunner {
  all(sql: string, params: readonly unknown[]): Promise<Row[]>;
  one(sql: string, params: readonly unknown[]): Promise<Row | undefined>;
  /** Runs a write and returns how many rows it changed; with `change`, announced to the other nodes. */
  run(sql: string, params: readonly unknown[], change?: Change): Promise<number>;
}

/** SQLite's statements, prepared on first use and kept: the send path reads the caches for every recipient. */
export function sqliteRunner(db: Database.Database): SqlRunner {
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let found = prepared.get(sql);
    if (found === undefined) {
      found = db.prepare(sql);
      prepared.set(sql, found);
    }
    return found;
  };
  return {
    all: async (sql, params) => statement(sql).all(...params) as Row[],
    one: async (sql, params) => statement(sql).get(...params) as Row | undefined,
    run: async (sql, params) => statement(sql).run(...params).changes,
  };
}

const numbered = new Map<string, { name: string; text: string }>();

/**
 * `?` -> `$1`, `$2`, …, with the statement's name for preparing it: the statements are constants with no `?`
 * inside a literal, so the map stays as small as the code's list of statements.
 */
export function numberPlaceholders(sql: string): { name: string; text: string } {
  let found = numbered.get(sql);
  if (found === undefined) {
    let n = 0;
    found = { name: `sendguard-${numbered.size + 1}`, text: sql.replace(/\?/g, () => `$${++n}`) };
    numbered.set(sql, found);
  }
  return found;
}

/**
 * PostgreSQL's statements on `pool`. Changes are announced as from `node`, whose own announcements its feed
 * ignores; a runner whose writes announce nothing (escrow's) needs none.
 */
export function postgresRunner(pool: pg.Pool, node = ''): SqlRunner {
  const query = (sql: string, params: readonly unknown[]) =>
    pool.query<Row>({ ...numberPlaceholders(sql), values: [...params] });
  return {
    all: async (sql, params) => (await query(sql, params)).rows,
    one: async (sql, params) => (await query(sql, params)).rows[0],
    async run(sql, params, change) {
      if (change === undefined) return (await query(sql, params)).rowCount ?? 0;
      const { name, text } = numberPlaceholders(sql);
      const { rows } = await pool.query<{ changed: number }>({
        name: `${name}-announced`,
        ...announcing(`${text} RETURNING 1`, params, { ...change, node }),
      });
      return rows[0]!.changed;
    },
  };
}

/** SQLite's and PostgreSQL's refusals of a duplicate key, as TOKEN_CONFLICT. */
export function asTokenConflict(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  return code === '23505' || code?.startsWith('SQLITE_CONSTRAINT') ? tokenConflict(error) : error;
}
