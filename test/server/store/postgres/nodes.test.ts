/**
 * Several nodes on one PostgreSQL database: they migrate it once, count rate-limit hits together, take turns at
 * periodic work, keep the first setting, and hear each other's changes (a real LISTEN/NOTIFY round trip).
 */
import pg from 'pg';
import { systemClock } from '../../../../src/core/clock';
import { withMemoryFront } from '../../../../src/server/store/memory-front';
import { withTokenFront } from '../../../../src/server/store/token-front';
import { migratePostgres } from '../../../../src/server/store/postgres/migrate';
import { openPostgresStore, type PostgresStoreOptions } from '../../../../src/server/store/postgres/open';
import { POSTGRES_MIGRATIONS } from '../../../../src/server/store/postgres/schema';
import type { Change, ServiceStore } from '../../../../src/server/store/store';
import { clearValue } from '../../../helpers/clear-key-verdicts';
import { ManualClock } from '../../../helpers/clock';
import { startPostgres, type PostgresServer } from '../../../helpers/postgres';
import { FP_A, keyVerdict, mailboxReport } from '../fixtures';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

const open: ServiceStore[] = [];
/** `count` stores on one new database, opened at once as nodes starting together would; closed after the test. */
async function nodes(
  count: number,
  url?: string,
  options: PostgresStoreOptions = {},
): Promise<ServiceStore[]> {
  const database = url ?? (await server.newDatabase());
  const stores = await Promise.all(
    Array.from({ length: count }, () => openPostgresStore(database, { poolSize: 4, ...options })),
  );
  open.push(...stores);
  return stores;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
});

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Reads until `done` holds, at most ten seconds: notifications arrive within milliseconds, but not at once. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(value)} after ten seconds`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('schema steps', () => {
  test('three nodes opening one new database at once migrate it once', async () => {
    const url = await server.newDatabase();
    await nodes(3, url);
    const rows = await query<{ version: number; applied: string }>(
      url,
      'SELECT version, count(*)::int AS applied FROM schema_migrations GROUP BY version ORDER BY version',
    );
    expect(rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, applied: 1 })));
  });

  test('each step applied is stamped by the clock given, and running them again changes nothing', async () => {
    const url = await server.newDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      const clock = new ManualClock(Date.parse('2026-03-04T05:06:07.000Z'));
      const newest = POSTGRES_MIGRATIONS.at(-1)!.version;
      expect(await migratePostgres(pool, clock)).toBe(newest);
      expect(await migratePostgres(pool, systemClock)).toBe(newest);
      expect((await pool.query('SELECT version, applied_at FROM schema_migrations')).rows).toEqual(
        POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, applied_at: '2026-03-04T05:06:07.000Z' })),
      );
    } finally {
      await pool.end();
    }
  });

  test('a failing step leaves the database as it was', async () => {
    const url = await server.newDatabase();
    const pool = new pg.Pool({ connectionString: url });
    try {
      await migratePostgres(pool);
      const broken = [
        ...POSTGRES_MIGRATIONS,
        { version: 90, sql: 'CREATE TABLE half (x INTEGER)' },
        { version: 91, sql: 'NOT SQL' },
      ];
      await expect(migratePostgres(pool, systemClock, broken)).rejects.toThrow(/syntax error/);
      expect((await pool.query("SELECT to_regclass('half') AS half")).rows).toEqual([{ half: null }]);
      expect((await pool.query('SELECT max(version) AS v FROM schema_migrations')).rows).toEqual([
        { v: POSTGRES_MIGRATIONS.at(-1)!.version },
      ]);
    } finally {
      await pool.end();
    }
  });

  test('rate counters are not written to the WAL: losing them in a crash is harmless', async () => {
    const url = await server.newDatabase();
    await nodes(1, url);
    expect(
      await query(
        url,
        "SELECT relname, relpersistence FROM pg_class WHERE relname IN ('rate_counters', 'pins')",
      ),
    ).toEqual(
      expect.arrayContaining([
        { relname: 'rate_counters', relpersistence: 'u' },
        { relname: 'pins', relpersistence: 'p' },
      ]),
    );
  });

  test('a database from newer code is refused, not downgraded', async () => {
    const url = await server.newDatabase();
    await nodes(1, url);
    await query(url, "INSERT INTO schema_migrations (version, applied_at) VALUES (99, 'later')");
    await expect(openPostgresStore(url, {})).rejects.toMatchObject({ code: 'STORE_TOO_NEW' });
  });
});

test('rate counters: concurrent hits from two nodes on one key are each counted once', async () => {
  const [a, b] = await nodes(2);
  const hits = Array.from({ length: 200 }, (_, n) =>
    (n % 2 ? a! : b!).rateCounters.hit('ip:x', 60_000, 1000),
  );
  const counts = (await Promise.all(hits)).map((hit) => hit.count).sort((x, y) => x - y);
  expect(counts).toEqual(Array.from({ length: 200 }, (_, n) => n + 1));
  expect(await a!.rateCounters.hit('ip:x', 60_000, 2000)).toEqual({ count: 201, resetAt: 61_000 });
});

test('exclusive: while one node runs work of a name, another skips it; afterwards it runs', async () => {
  const [a, b] = await nodes(2);
  let finish!: () => void;
  const started = new Promise<void>((resolveStarted) => {
    void a!.exclusive.run('purge', () => {
      resolveStarted();
      return new Promise<void>((resolve) => (finish = resolve));
    });
  });
  await started;
  expect(await b!.exclusive.run('purge', async () => 'ran')).toBeUndefined();
  expect(await a!.exclusive.run('purge', async () => 'ran')).toBeUndefined();
  expect(await b!.exclusive.run('other', async () => 'ran')).toBe('ran');
  finish();
  await until(
    () => b!.exclusive.run('purge', async () => 'ran'),
    (result) => result === 'ran',
  );
});

test('exclusive: tasks that use the store run at once on a pool of one connection', async () => {
  const [store] = await nodes(1, undefined, { poolSize: 1 });
  const runs = ['purge', 'other'].map((name) =>
    store!.exclusive.run(name, () => store!.rateCounters.hit(name, 1000, 0)),
  );
  expect(await Promise.all(runs)).toEqual([
    { count: 1, resetAt: 1000 },
    { count: 1, resetAt: 1000 },
  ]);
});

test('exclusive: a failed task leaves no lock behind, and another node runs the work next', async () => {
  const url = await server.newDatabase();
  const [a, b] = await nodes(2, url);
  await expect(
    a!.exclusive.run('purge', async () => {
      throw new Error('the purge failed');
    }),
  ).rejects.toThrow('the purge failed');
  expect(await query(url, "SELECT pid FROM pg_locks WHERE locktype = 'advisory'")).toEqual([]);
  expect(await b!.exclusive.run('purge', async () => 'ran')).toBe('ran');
});

test('exclusive: the work is free again when the node running it goes away; a task whose lock was lost goes on, told', async () => {
  const url = await server.newDatabase();
  const told: string[] = [];
  const [a, b] = await nodes(2, url, { onTrouble: (_error, what) => told.push(what) });
  let release!: () => void;
  let running!: Promise<void | undefined>;
  await new Promise<void>((started) => {
    running = a!.exclusive.run('purge', () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    });
  });
  expect(await b!.exclusive.run('purge', async () => 'ran')).toBeUndefined();
  // The node's connection ends as a killed process's would: the server drops its session and its locks.
  await query(
    url,
    `SELECT pg_terminate_backend(pid, 5000) FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  expect(await b!.exclusive.run('purge', async () => 'ran')).toBe('ran');
  release();
  await running;
  expect(told).toEqual(['the lock of the periodic work "purge" was lost; another node may run it at once']);
});

test('settings: of two nodes storing one name, the first value stays for both', async () => {
  const [a, b] = await nodes(2);
  expect(await a!.settings.putIfAbsent('escrow.keyCheck', 'from a')).toBe('from a');
  expect(await b!.settings.putIfAbsent('escrow.keyCheck', 'from b')).toBe('from a');
  const racing = await Promise.all([
    a!.settings.putIfAbsent('race', 'from a'),
    b!.settings.putIfAbsent('race', 'from b'),
  ]);
  expect(racing[0]).toBe(racing[1]);
  expect(await b!.settings.get('race')).toBe(racing[0]);
});

test('keyring: two nodes storing one key at once both succeed, and one of their entries is kept whole', async () => {
  const [a, b] = await nodes(2);
  const entry = (who: string) => ({
    fingerprint: FP_A,
    armoredKey: `key from ${who}`,
    addresses: [`${who}@example.org`],
    addedAt: '2026-01-01T00:00:00.000Z',
    addedBy: who,
  });
  for (let round = 0; round < 10; round++)
    await Promise.all([a!.keyring.put(entry('a')), b!.keyring.put(entry('b'))]);
  expect([entry('a'), entry('b')]).toContainEqual(await a!.keyring.get(FP_A));
});

/** Ann's verdict, as a reason says it. */
const verdict = (reason: string) => ({ ...keyVerdict('ann@example.org'), reasons: [reason] });

/**
 * Two nodes, a and b, where b has memory fronts for verdicts and tokens holding Ann's verdict ('first') and token
 * a1 (hash h1), both written by a.
 */
async function frontsHolding() {
  const url = await server.newDatabase();
  const [a, b] = await nodes(2, url);
  const verdicts = withMemoryFront(b!.keyVerdicts, { changes: b!.changes, cache: 'keyVerdicts' });
  const tokens = withTokenFront(b!.tokens, b!.changes);
  const heard: Change[] = [];
  b!.changes.subscribe((change) => heard.push(change));
  await a!.keyVerdicts.put('ann@example.org', verdict('first'), 1000);
  const token = { id: 'a1', name: 'n', role: 'sender' as const, hash: 'h1', createdAt: 't' };
  await a!.tokens.insert(token);
  // Heard first: a read that a change overtakes is not kept in memory.
  await until(
    async () => heard.length,
    (count) => count === 2,
  );
  expect((await verdicts.get('ann@example.org'))?.value).toEqual(verdict('first'));
  expect(await tokens.findByHash('h1')).toEqual(token);
  return { url, a: a!, b: b!, verdicts, tokens };
}

describe('changes between nodes', () => {
  test("a node hears another node's verdict and keyring writes, not its own", async () => {
    const [a, b] = await nodes(2);
    const heard: Change[] = [];
    b!.changes.subscribe((change) => heard.push(change));
    await b!.keyVerdicts.put('own@example.org', keyVerdict('own@example.org'), 1000);
    await a!.keyVerdicts.put('ann@example.org', keyVerdict('ann@example.org'), 1000);
    await a!.transportReports.delete('a.example');
    await a!.mailboxReports.put('a.example', mailboxReport('a.example'), 1000);
    await a!.keyring.put({
      fingerprint: FP_A,
      armoredKey: 'k',
      addresses: ['ann@example.org'],
      addedAt: 't',
      addedBy: 'x',
    });
    await a!.keyring.delete(FP_A);
    await a!.keyVerdicts.delete('ann@example.org');
    await until(
      async () => heard.length,
      (count) => count >= 6,
    );
    // One connection delivers notifications in commit order: b's own write, first, would be heard by now.
    expect(heard).toEqual([
      { cache: 'keyVerdicts', key: 'ann@example.org' },
      { cache: 'transportReports', key: 'a.example' },
      { cache: 'mailboxReports', key: 'a.example' },
      { cache: 'keyring', key: FP_A },
      { cache: 'keyring', key: FP_A },
      { cache: 'keyVerdicts', key: 'ann@example.org' },
    ]);
  });

  test('a payload that is not a change is ignored, and a failing listener does not deafen the others', async () => {
    const url = await server.newDatabase();
    const [a, b] = await nodes(2, url);
    const heard: Change[] = [];
    b!.changes.subscribe(() => {
      throw new Error('a listener with a fault');
    });
    b!.changes.subscribe((change) => heard.push(change));
    for (const junk of [
      'not JSON',
      '[]',
      'null',
      '{"node":"x","cache":"pins","key":"k"}',
      '{"node":"x","cache":"keyring"}',
    ])
      await query(url, 'SELECT pg_notify($1, $2)', ['sendguard_changes', junk]);
    await a!.keyVerdicts.delete('ann@example.org');
    await until(
      async () => heard.length,
      (count) => count >= 1,
    );
    expect(heard).toEqual([{ cache: 'keyVerdicts', key: 'ann@example.org' }]);
  });

  test("a node's memory front drops what another node changed or deleted", async () => {
    const url = await server.newDatabase();
    const [a, b] = await nodes(2, url);
    const front = withMemoryFront(b!.keyVerdicts, { changes: b!.changes, cache: 'keyVerdicts' });
    const verdict = (reason: string) => ({ ...keyVerdict('ann@example.org'), reasons: [reason] });
    const heard: Change[] = [];
    b!.changes.subscribe((change) => heard.push(change));
    await a!.keyVerdicts.put('ann@example.org', verdict('first'), 1000);
    // Heard first: a read that a change overtakes is not kept in memory.
    await until(
      async () => heard.length,
      (count) => count === 1,
    );
    expect((await front.get('ann@example.org'))?.value).toEqual(verdict('first'));
    // Written behind the nodes' backs (no announcement): b keeps answering from memory.
    await query(url, 'UPDATE key_verdicts SET assessment = $1', [JSON.stringify(verdict('unannounced'))]);
    expect((await front.get('ann@example.org'))?.value).toEqual(verdict('first'));
    await a!.keyVerdicts.put('ann@example.org', verdict('second'), 1000);
    await until(
      () => front.get('ann@example.org'),
      (entry) => clearValue(entry?.value)?.reasons[0] === 'second',
    );
    await a!.keyVerdicts.delete('ann@example.org');
    await until(
      () => front.get('ann@example.org'),
      (entry) => entry === undefined,
    );
    front.stopListening();
  });

  test('a node whose listening connection was cut listens again', async () => {
    const url = await server.newDatabase();
    const [a, b] = await nodes(2, url);
    const heard: Change[] = [];
    b!.changes.subscribe((change) => heard.push(change));
    const [listening] = await query<{ pid: number }>(
      url,
      "SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN sendguard_changes' ORDER BY backend_start LIMIT 2",
    );
    expect(listening).toBeDefined();
    // Both nodes listen; cutting both leaves b no connection it could still be hearing on.
    await query(
      url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN sendguard_changes'",
    );
    let n = 0;
    await until(
      async () => {
        await a!.keyVerdicts.delete(`probe${++n}@example.org`);
        return heard.length;
      },
      (count) => count > 0,
    );
    expect(heard[0]).toMatchObject({ cache: 'keyVerdicts' });
  });

  test('after its listening connection was cut, a node forgets what it held, since it may have missed changes', async () => {
    const { url, verdicts, tokens } = await frontsHolding();
    // Changed without a word on the channel, as a change made while b's listener is down is to b: only the reset
    // after b listens again can make it look again.
    await query(url, 'UPDATE key_verdicts SET assessment = $1', [JSON.stringify(verdict('missed'))]);
    await query(url, "UPDATE api_tokens SET revoked_at = 'then'");
    expect((await verdicts.get('ann@example.org'))?.value).toEqual(verdict('first'));
    expect((await tokens.findByHash('h1'))?.revokedAt).toBeUndefined();
    await query(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'");
    await until(
      () => verdicts.get('ann@example.org'),
      (entry) => clearValue(entry?.value)?.reasons[0] === 'missed',
    );
    await until(
      () => tokens.findByHash('h1'),
      (record) => record?.revokedAt === 'then',
    );
    verdicts.stopListening();
    tokens.stopListening();
  });

  test('while its listening connection is down, a node reads through to the database: a change made meanwhile is seen at once', async () => {
    const { url, a, b, verdicts, tokens } = await frontsHolding();
    expect(b.changes.live).toBe(true);
    // The gap held open: no new connection to the database (the nodes' pools keep the ones they have), and the
    // listening ones cut.
    const name = new URL(url).pathname.slice(1);
    await query(server.url, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    try {
      await query(
        server.url,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE $2',
        [name, 'LISTEN%'],
      );
      await until(
        async () => b.changes.live,
        (live) => !live,
      );
      await a.keyVerdicts.put('ann@example.org', verdict('second'), 1000);
      await a.tokens.revoke('a1', 'then');
      expect((await verdicts.get('ann@example.org'))?.value).toEqual(verdict('second'));
      expect((await tokens.findByHash('h1'))?.revokedAt).toBe('then');
      expect(b.changes.live).toBe(false);
    } finally {
      await query(server.url, `ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    }
    await until(
      async () => b.changes.live,
      (live) => live,
    );
    verdicts.stopListening();
    tokens.stopListening();
  });
});
