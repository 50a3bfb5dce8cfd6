/** One contract, two stores: the in-memory fake must behave as the SQLite store does (STYLE habit 5). */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMemoryStore } from '../../../src/server/store/memory';
import { MIGRATIONS, migrate } from '../../../src/server/store/migrations';
import { DATABASE_FILE, openSqliteStore } from '../../../src/server/store/sqlite';
import type { Store } from '../../../src/server/store/store';
import { ManualClock } from '../../helpers/clock';

const FP_A = 'A'.repeat(40);
const FP_B = 'B'.repeat(40);
const key = (address: string) => ({
  address,
  verdict: 'valid' as const,
  source: 'wkd' as const,
  reasons: [] as string[],
});
const token = (id: string, hash: string) => ({
  id,
  name: `token ${id}`,
  role: 'sender' as const,
  hash,
  createdAt: `2025-01-0${id}T00:00:00.000Z`,
});

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe.each([
  ['memory', () => openMemoryStore()],
  ['sqlite', () => openSqliteStore(tempDir())],
])('%s store', (_name, open: () => Store) => {
  let store: Store;
  beforeEach(() => {
    store = open();
  });
  afterEach(() => store.close());

  test('the verdict cache returns what was put, with its expiry, and overwrites by key', async () => {
    expect(await store.keyVerdicts.get('ann@example.org')).toBeUndefined();
    await store.keyVerdicts.put('ann@example.org', key('ann@example.org'), 1000);
    expect(await store.keyVerdicts.get('ann@example.org')).toEqual({
      value: key('ann@example.org'),
      expiresAt: 1000,
    });
    await store.keyVerdicts.put('ann@example.org', { ...key('ann@example.org'), verdict: 'none' }, 2000);
    expect(await store.keyVerdicts.get('ann@example.org')).toMatchObject({
      value: { verdict: 'none' },
      expiresAt: 2000,
    });
    await store.keyVerdicts.put('ann@example.org', key('ann@example.org'), 1000);
    expect((await store.keyVerdicts.get('ann@example.org'))?.value).toEqual(key('ann@example.org'));
    await store.keyVerdicts.delete('ann@example.org');
    expect(await store.keyVerdicts.get('ann@example.org')).toBeUndefined();
  });

  test('deleteExpired removes only entries that expired before now', async () => {
    await store.keyVerdicts.put('old@example.org', key('old@example.org'), 100);
    await store.keyVerdicts.put('new@example.org', key('new@example.org'), 300);
    expect(await store.keyVerdicts.deleteExpired(200)).toBe(1);
    expect(await store.keyVerdicts.get('old@example.org')).toBeUndefined();
    expect(await store.keyVerdicts.get('new@example.org')).toBeDefined();
  });

  test('a stored value is a copy: mutating it changes nothing stored', async () => {
    const value = key('ann@example.org');
    await store.keyVerdicts.put('ann@example.org', value, 1000);
    value.reasons.push('tampered');
    const read = await store.keyVerdicts.get('ann@example.org');
    read!.value.reasons.push('tampered');
    expect((await store.keyVerdicts.get('ann@example.org'))?.value.reasons).toEqual([]);
  });

  test('pins: put replaces, delete reports whether there was one', async () => {
    const pin = {
      address: 'ann@example.org',
      fingerprint: FP_A,
      firstSeen: '2025-01-01T00:00:00.000Z',
      acceptedBy: 'admin',
    };
    await store.pins.put(pin);
    expect(await store.pins.get('ann@example.org')).toEqual(pin);
    await store.pins.put({ ...pin, fingerprint: FP_B });
    expect((await store.pins.get('ann@example.org'))?.fingerprint).toBe(FP_B);
    expect(await store.pins.delete('ann@example.org')).toBe(true);
    expect(await store.pins.delete('ann@example.org')).toBe(false);
    expect(await store.pins.get('ann@example.org')).toBeUndefined();
  });

  test('keyring: found by each address, sorted, replaced by fingerprint, deleted with its addresses', async () => {
    const entry = {
      fingerprint: FP_B,
      armoredKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----',
      addresses: ['bob@example.org', 'ann@example.org'],
      addedAt: '2025-01-01T00:00:00.000Z',
      addedBy: 'admin',
    };
    await store.keyring.put(entry);
    await store.keyring.put({ ...entry, fingerprint: FP_A, addresses: ['ann@example.org'] });
    expect((await store.keyring.findByAddress('ann@example.org')).map((e) => e.fingerprint)).toEqual([
      FP_A,
      FP_B,
    ]);
    expect(await store.keyring.get(FP_B)).toEqual({
      ...entry,
      addresses: ['ann@example.org', 'bob@example.org'],
    });
    await store.keyring.put({ ...entry, addresses: ['carol@example.org'] });
    expect(await store.keyring.findByAddress('bob@example.org')).toEqual([]);
    expect((await store.keyring.list()).map((e) => e.fingerprint)).toEqual([FP_A, FP_B]);
    expect(await store.keyring.delete(FP_B)).toBe(true);
    expect(await store.keyring.delete(FP_B)).toBe(false);
    expect(await store.keyring.findByAddress('carol@example.org')).toEqual([]);
  });

  test('tokens: found by hash, listed oldest first, revoked once, ids and hashes unique', async () => {
    await store.tokens.insert(token('2', 'h2'));
    await store.tokens.insert(token('1', 'h1'));
    expect(await store.tokens.findByHash('h1')).toEqual(token('1', 'h1'));
    expect(await store.tokens.findByHash('nope')).toBeUndefined();
    expect((await store.tokens.list()).map((t) => t.id)).toEqual(['1', '2']);
    expect(await store.tokens.revoke('1', '2025-02-01T00:00:00.000Z')).toBe(true);
    expect(await store.tokens.revoke('1', '2025-03-01T00:00:00.000Z')).toBe(false);
    expect(await store.tokens.revoke('9', '2025-03-01T00:00:00.000Z')).toBe(false);
    expect((await store.tokens.findByHash('h1'))?.revokedAt).toBe('2025-02-01T00:00:00.000Z');
    await expect(store.tokens.insert(token('1', 'h3'))).rejects.toMatchObject({ code: 'TOKEN_CONFLICT' });
    await expect(store.tokens.insert(token('3', 'h2'))).rejects.toMatchObject({ code: 'TOKEN_CONFLICT' });
  });

  test('tokens: an owner, with or without a display name, comes back as it was stored', async () => {
    const named = { ...token('1', 'h1'), owner: { name: 'Ana Example', address: 'ana@example.org' } };
    const bare = { ...token('2', 'h2'), owner: { address: 'bo@example.org' } };
    await store.tokens.insert(named);
    await store.tokens.insert(bare);
    expect(await store.tokens.findByHash('h1')).toEqual(named);
    expect(await store.tokens.list()).toEqual([named, bare]);
  });
});

describe('sqlite store on disk', () => {
  test('keeps its data across a reopen and runs in WAL mode', async () => {
    const dir = tempDir();
    const first = openSqliteStore(dir);
    await first.keyVerdicts.put('ann@example.org', key('ann@example.org'), 1000);
    await first.tokens.insert(token('1', 'h1'));
    await first.close();
    const second = openSqliteStore(dir);
    expect((await second.keyVerdicts.get('ann@example.org'))?.value).toEqual(key('ann@example.org'));
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
    const dir = tempDir();
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

  test('a cached row that no longer reads as an assessment is a miss', async () => {
    const dir = tempDir();
    const store = openSqliteStore(dir);
    await store.keyVerdicts.put('ann@example.org', key('ann@example.org'), 1000);
    await store.close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.prepare('UPDATE key_verdicts SET assessment = \'{"verdict":"great"}\'').run();
    db.close();
    const reopened = openSqliteStore(dir);
    expect(await reopened.keyVerdicts.get('ann@example.org')).toBeUndefined();
    await reopened.close();
  });
});
