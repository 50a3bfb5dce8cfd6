/** What only the SQLite store does: one file in the data directory, and its schema steps. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { MIGRATIONS, migrate } from '../../../src/server/store/migrations';
import { DATABASE_FILE, openSqliteStore } from '../../../src/server/store/sqlite';
import { ManualClock } from '../../helpers/clock';
import { scratchDir } from '../../helpers/scratch';
import { keyVerdict, token } from './fixtures';

describe('sqlite store on disk', () => {
  test('keeps its data across a reopen and runs in WAL mode', async () => {
    const dir = scratchDir('store');
    const first = openSqliteStore(dir);
    await first.keyVerdicts.put('ann@example.org', keyVerdict('ann@example.org'), 1000);
    await first.tokens.insert(token('1', 'h1'));
    await first.close();
    const second = openSqliteStore(dir);
    expect((await second.keyVerdicts.get('ann@example.org'))?.value).toEqual(keyVerdict('ann@example.org'));
    expect(await second.tokens.findByHash('h1')).toBeDefined();
    await second.close();
    const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  test('the schema holds no table that nothing uses: the domain verdict cache left with step 3', () => {
    const db = new Database(':memory:');
    migrate(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['key_verdicts', 'pins', 'escrow_messages']),
    );
    expect(tables.map((t) => t.name)).not.toContain('domain_verdicts');
    db.close();
  });

  test('migrations are recorded once and re-running them changes nothing', () => {
    const db = new Database(':memory:');
    const newest = MIGRATIONS.at(-1)!.version;
    expect(migrate(db)).toBe(newest);
    expect(migrate(db)).toBe(newest);
    expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(
      MIGRATIONS.map((m) => ({ version: m.version })),
    );
    db.close();
  });

  test('each step applied is stamped by the clock given', () => {
    const db = new Database(':memory:');
    const clock = new ManualClock(Date.parse('2026-03-04T05:06:07.000Z'));
    migrate(db, MIGRATIONS, clock);
    expect(db.prepare('SELECT DISTINCT applied_at FROM schema_migrations').all()).toEqual([
      { applied_at: '2026-03-04T05:06:07.000Z' },
    ]);
    db.close();
  });

  test('step 4: tokens issued before owners existed keep working, without an owner', async () => {
    const dir = scratchDir('store');
    const db = new Database(join(dir, DATABASE_FILE));
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 4),
    );
    db.prepare(
      "INSERT INTO api_tokens (id, name, role, hash, created_at) VALUES ('1', 'token 1', 'sender', 'h1', '2025-01-01T00:00:00.000Z')",
    ).run();
    db.close();
    const store = openSqliteStore(dir);
    expect(await store.tokens.findByHash('h1')).toEqual(token('1', 'h1'));
    await store.close();
  });

  test('a later step applies on top of an existing database, in order', () => {
    const db = new Database(':memory:');
    migrate(db);
    const next = { version: MIGRATIONS.at(-1)!.version + 1, sql: 'ALTER TABLE pins ADD COLUMN note TEXT' };
    migrate(db, [...MIGRATIONS, next]);
    expect(db.prepare("SELECT name FROM pragma_table_info('pins') WHERE name = 'note'").get()).toEqual({
      name: 'note',
    });
    db.close();
  });

  test('a failing step leaves the database as it was', () => {
    const db = new Database(':memory:');
    migrate(db);
    const broken = [
      ...MIGRATIONS,
      { version: 90, sql: 'CREATE TABLE half (x INTEGER)' },
      { version: 91, sql: 'NOT SQL' },
    ];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
      MIGRATIONS.at(-1)!.version,
    );
    db.close();
  });

  test('a database from newer code is refused, not downgraded', () => {
    const db = new Database(':memory:');
    migrate(db, [...MIGRATIONS, { version: 99, sql: 'SELECT 1' }]);
    expect(() => migrate(db)).toThrow(expect.objectContaining({ code: 'STORE_TOO_NEW' }));
    db.close();
  });
});
