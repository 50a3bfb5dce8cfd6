/**
 * Policy versions, one contract for the in-memory fake, SQLite and PostgreSQL: saved with who and when, the newest
 * first, a version number taken once only; on PostgreSQL a save is announced to the other nodes.
 */
import { openMemoryStore } from '../../../src/server/store/memory';
import { openPostgresStore } from '../../../src/server/store/postgres/open';
import type { Change, PolicyVersionStore, SavedPolicy } from '../../../src/server/store/store';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { openPostgresForTest, openSqliteForTest } from '../store/opened-stores';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

function saved(seq: number, extra: Partial<SavedPolicy> = {}): SavedPolicy {
  return {
    seq,
    version: `v${seq}`,
    text: `# version ${seq}\nschema: 1\n`,
    savedBy: 'token:admin',
    savedAt: `2026-12-0${seq}T10:00:00.000Z`,
    ...extra,
  };
}

describe.each(['memory', 'sqlite', 'postgres'] as const)('%s policy versions', (kind) => {
  let versions: PolicyVersionStore;
  let close: () => Promise<void>;
  beforeEach(async () => {
    const store =
      kind === 'memory'
        ? openMemoryStore()
        : kind === 'sqlite'
          ? openSqliteForTest().store
          : (await openPostgresForTest(await server.newDatabase())).store;
    versions = store.policyVersions;
    close = () => store.close();
  });
  afterEach(() => close());

  test('nothing saved: no latest, no history', async () => {
    expect(await versions.latest()).toBeUndefined();
    expect(await versions.history(50)).toEqual([]);
  });

  test('the newest saved is the latest, with its text, who saved it, when and why', async () => {
    expect(await versions.save(saved(1))).toBe(true);
    expect(await versions.save(saved(2, { note: 'stricter for partners' }))).toBe(true);
    expect(await versions.latest()).toEqual(saved(2, { note: 'stricter for partners' }));
  });

  test('history: newest first, at most the limit, without the text', async () => {
    for (const seq of [1, 2, 3]) await versions.save(saved(seq, seq === 2 ? { note: 'two' } : {}));
    const { text: _1, ...three } = saved(3);
    const { text: _2, ...two } = saved(2, { note: 'two' });
    expect(await versions.history(2)).toEqual([three, two]);
    expect((await versions.history(50)).map((v) => v.seq)).toEqual([3, 2, 1]);
  });

  test('a version number is taken once: the second save of it saves nothing', async () => {
    expect(await versions.save(saved(1))).toBe(true);
    expect(await versions.save(saved(1, { version: 'other', savedBy: 'token:late' }))).toBe(false);
    expect(await versions.latest()).toEqual(saved(1));
    expect(await versions.history(50)).toHaveLength(1);
  });
});

test('PostgreSQL: a saved version is announced to the other nodes as a policy change, by its number', async () => {
  const url = await server.newDatabase();
  const [a, b] = await Promise.all([openPostgresStore(url), openPostgresStore(url)]);
  try {
    const heard: Change[] = [];
    b!.changes.subscribe((change) => heard.push(change));
    expect(await a!.policyVersions.save(saved(1))).toBe(true);
    const deadline = Date.now() + 10_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([{ cache: 'policy', key: '1' }]);
    expect((await b!.policyVersions.latest())?.seq).toBe(1);
  } finally {
    await Promise.all([a!.close(), b!.close()]);
  }
});
