/**
 * One contract, three stores: the in-memory fake behaves as SQLite and PostgreSQL do (STYLE habit 5), and the
 * two databases keep everything else the service keeps alike.
 */
import { Readable } from 'node:stream';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { ServiceStore, Store } from '../../../src/server/store/store';
import { clearValue } from '../../helpers/clear-key-verdicts';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { FP_A, FP_B, keyVerdict, mailboxReport, stsEntry, token, transportReport } from './fixtures';
import { openPostgresForTest, openSqliteForTest, type OpenedStore } from './opened-stores';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

/** A service store on a database of its own. */
async function openService(kind: 'sqlite' | 'postgres'): Promise<OpenedStore> {
  return kind === 'sqlite' ? openSqliteForTest() : openPostgresForTest(await server.newDatabase());
}

describe.each(['memory', 'sqlite', 'postgres'] as const)('%s store', (kind) => {
  let store: Store;
  beforeEach(async () => {
    store = kind === 'memory' ? openMemoryStore() : (await openService(kind)).store;
  });
  afterEach(() => store.close());

  test('the verdict cache returns what was put, with its expiry, and overwrites by key', async () => {
    expect(await store.keyVerdicts.get('ann@example.org')).toBeUndefined();
    await store.keyVerdicts.put('ann@example.org', keyVerdict('ann@example.org'), 1000);
    expect(await store.keyVerdicts.get('ann@example.org')).toEqual({
      value: keyVerdict('ann@example.org'),
      expiresAt: 1000,
    });
    await store.keyVerdicts.put(
      'ann@example.org',
      { ...keyVerdict('ann@example.org'), verdict: 'none' },
      2000,
    );
    expect(await store.keyVerdicts.get('ann@example.org')).toMatchObject({
      value: { verdict: 'none' },
      expiresAt: 2000,
    });
    await store.keyVerdicts.put('ann@example.org', keyVerdict('ann@example.org'), 1000);
    expect((await store.keyVerdicts.get('ann@example.org'))?.value).toEqual(keyVerdict('ann@example.org'));
    await store.keyVerdicts.delete('ann@example.org');
    expect(await store.keyVerdicts.get('ann@example.org')).toBeUndefined();
  });

  test('deleteExpired removes only entries that expired before now', async () => {
    await store.keyVerdicts.put('old@example.org', keyVerdict('old@example.org'), 100);
    await store.keyVerdicts.put('new@example.org', keyVerdict('new@example.org'), 300);
    expect(await store.keyVerdicts.deleteExpired(200)).toBe(1);
    expect(await store.keyVerdicts.get('old@example.org')).toBeUndefined();
    expect(await store.keyVerdicts.get('new@example.org')).toBeDefined();
  });

  test('a stored value is a copy: mutating it changes nothing stored', async () => {
    const value = keyVerdict('ann@example.org');
    await store.keyVerdicts.put('ann@example.org', value, 1000);
    value.reasons.push('tampered');
    const read = await store.keyVerdicts.get('ann@example.org');
    clearValue(read?.value)!.reasons.push('tampered');
    expect(clearValue((await store.keyVerdicts.get('ann@example.org'))?.value)?.reasons).toEqual([]);
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

describe.each(['sqlite', 'postgres'] as const)('%s service store', (kind) => {
  let opened: OpenedStore;
  let store: ServiceStore;
  beforeEach(async () => {
    opened = await openService(kind);
    store = opened.store;
  });
  afterEach(() => store.close());

  test('says which database it is', () => {
    expect(store.kind).toBe(kind);
  });

  test('transport reports and MTA-STS policies: returned as put, overwritten by domain, purged once expired', async () => {
    await store.transportReports.put('a.example', transportReport('a.example'), 100);
    await store.transportReports.put('b.example', transportReport('b.example'), 300);
    await store.stsPolicies.put('a.example', stsEntry('a.example'), 100);
    expect(await store.transportReports.get('a.example')).toEqual({
      value: transportReport('a.example'),
      expiresAt: 100,
    });
    expect(await store.stsPolicies.get('a.example')).toEqual({
      value: stsEntry('a.example'),
      expiresAt: 100,
    });
    await store.transportReports.put('a.example', { ...transportReport('a.example'), verdict: 'none' }, 200);
    expect(await store.transportReports.get('a.example')).toMatchObject({
      value: { verdict: 'none' },
      expiresAt: 200,
    });
    expect(await store.transportReports.deleteExpired(250)).toBe(1);
    expect(await store.transportReports.get('a.example')).toBeUndefined();
    expect(await store.transportReports.get('b.example')).toBeDefined();
    expect(await store.stsPolicies.get('a.example')).toBeDefined();
    await store.stsPolicies.delete('a.example');
    expect(await store.stsPolicies.get('a.example')).toBeUndefined();
  });

  test('mailbox-access reports: returned as put, overwritten by domain, purged once expired', async () => {
    await store.mailboxReports.put('a.example', mailboxReport('a.example'), 100);
    await store.mailboxReports.put('b.example', mailboxReport('b.example'), 300);
    expect(await store.mailboxReports.get('a.example')).toEqual({
      value: mailboxReport('a.example'),
      expiresAt: 100,
    });
    await store.mailboxReports.put('a.example', { ...mailboxReport('a.example'), verdict: 'plaintext' }, 200);
    expect(await store.mailboxReports.get('a.example')).toMatchObject({
      value: { verdict: 'plaintext' },
      expiresAt: 200,
    });
    expect(await store.mailboxReports.deleteExpired(250)).toBe(1);
    expect(await store.mailboxReports.get('a.example')).toBeUndefined();
    expect(await store.mailboxReports.get('b.example')).toBeDefined();
    await store.mailboxReports.delete('b.example');
    expect(await store.mailboxReports.get('b.example')).toBeUndefined();
  });

  test.each([
    ['key_verdicts', 'assessment', 'keyVerdicts', 'ann@example.org'],
    ['transport_reports', 'report', 'transportReports', 'a.example'],
    ['mailbox_reports', 'report', 'mailboxReports', 'a.example'],
    ['sts_policies', 'entry', 'stsPolicies', 'a.example'],
  ] as const)('a %s row that no longer reads as its kind is a miss', async (table, column, cache, key) => {
    const values = {
      keyVerdicts: keyVerdict(key),
      transportReports: transportReport(key),
      mailboxReports: mailboxReport(key),
      stsPolicies: stsEntry(key),
    };
    for (const text of ['{"verdict":"great"}', 'not JSON', '[]']) {
      await store[cache].put(key, values[cache] as never, 1000);
      await opened.raw(`UPDATE ${table} SET ${column} = '${text}'`);
      expect(await store[cache].get(key)).toBeUndefined();
    }
  });

  test('settings: the first value stored under a name stays', async () => {
    expect(await store.settings.get('escrow.keyCheck')).toBeUndefined();
    expect(await store.settings.putIfAbsent('escrow.keyCheck', 'first')).toBe('first');
    expect(await store.settings.putIfAbsent('escrow.keyCheck', 'second')).toBe('first');
    expect(await store.settings.get('escrow.keyCheck')).toBe('first');
    expect(await store.settings.putIfAbsent('other', 'second')).toBe('second');
  });

  test('rate counters: each hit counts in its window; a hit after the window ends starts a new one', async () => {
    const { rateCounters } = store;
    expect(await rateCounters.hit('ip:a', 1000, 5000)).toEqual({ count: 1, resetAt: 6000 });
    expect(await rateCounters.hit('ip:a', 1000, 5500)).toEqual({ count: 2, resetAt: 6000 });
    expect(await rateCounters.hit('ip:b', 2000, 5500)).toEqual({ count: 1, resetAt: 7500 });
    expect(await rateCounters.hit('ip:a', 1000, 5999)).toEqual({ count: 3, resetAt: 6000 });
    expect(await rateCounters.hit('ip:a', 1000, 6000)).toEqual({ count: 1, resetAt: 7000 });
    expect(await rateCounters.deleteExpired(7200)).toBe(1);
    expect(await rateCounters.hit('ip:b', 2000, 7300)).toEqual({ count: 2, resetAt: 7500 });
    expect(await rateCounters.deleteExpired(8000)).toBe(1);
    expect(await rateCounters.hit('ip:b', 2000, 8000)).toEqual({ count: 1, resetAt: 10_000 });
  });

  test('rate counters: several hits counted elsewhere are added at once, in the window they fall in', async () => {
    const { rateCounters } = store;
    expect(await rateCounters.hit('api:a', 1000, 5000, 7)).toEqual({ count: 7, resetAt: 6000 });
    expect(await rateCounters.hit('api:a', 1000, 5500, 3)).toEqual({ count: 10, resetAt: 6000 });
    expect(await rateCounters.hit('api:a', 1000, 6000, 4)).toEqual({ count: 4, resetAt: 7000 });
  });

  test('exclusive: a task nobody else runs runs, and its result or error comes back', async () => {
    expect(await store.exclusive.run('purge', async () => 42)).toBe(42);
    await expect(
      store.exclusive.run('purge', async () => {
        throw new Error('the purge failed');
      }),
    ).rejects.toThrow('the purge failed');
    // The failure released the work for the next run: with PostgreSQL each run locks on a session of its own, so
    // a lock left behind would refuse it (postgres/nodes.test.ts checks pg_locks, and from another node).
    expect(await store.exclusive.run('purge', async () => 'again')).toBe('again');
  });

  test('escrow blobs: appended at the exact offset only, read back whole, deleted with their message', async () => {
    const blobs = store.escrowBlobs;
    expect(await blobs.append('m1', 'blob-0', 0, Buffer.from('hello '))).toBe(true);
    expect(await blobs.append('m1', 'blob-0', 0, Buffer.from('again '))).toBe(false);
    expect(await blobs.append('m1', 'blob-0', 6, Buffer.from('world'))).toBe(true);
    expect(await blobs.size('m1', 'blob-0')).toBe(11);
    const chunks: Buffer[] = [];
    for await (const chunk of blobs.read('m1', 'blob-0') as Readable)
      chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('hello world');
    await blobs.deleteMessage('m1');
    expect(await blobs.size('m1', 'blob-0')).toBe(0);
  });
});
