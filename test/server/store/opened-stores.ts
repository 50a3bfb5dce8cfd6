/**
 * Service stores on fresh databases for the store tests, each with a way around the store's interface to the same
 * database (to plant a row the store would never write).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../../src/server/store/postgres/open';
import { DATABASE_FILE, openSqliteStore } from '../../../src/server/store/sqlite';
import type { ServiceStore } from '../../../src/server/store/store';
import { scratchDir } from '../../helpers/scratch';

export interface OpenedStore {
  store: ServiceStore;
  /** Runs one statement on a connection of its own. */
  raw(sql: string): Promise<void>;
}

export function openSqliteForTest(dir = scratchDir('store')): OpenedStore {
  return {
    store: openSqliteStore(dir),
    async raw(sql) {
      const db = new Database(join(dir, DATABASE_FILE));
      try {
        db.prepare(sql).run();
      } finally {
        db.close();
      }
    },
  };
}

export async function openPostgresForTest(url: string, poolSize?: number): Promise<OpenedStore> {
  return {
    store: await openPostgresStore(url, { poolSize }),
    async raw(sql) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
  };
}
