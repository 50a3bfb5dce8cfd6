/** The memory in front of a verdict cache: bounded, purged with the store, and told of other nodes' changes. */
import { withMemoryFront } from '../../../src/server/store/memory-front';
import type { CacheEntry, Change, ChangeFeed, VerdictCache } from '../../../src/server/store/store';

/** The store behind the front, counting reads so that a test sees what the front no longer holds. */
function store() {
  const entries = new Map<string, CacheEntry<string>>();
  const reads: string[] = [];
  const inner: VerdictCache<string> = {
    async get(key) {
      reads.push(key);
      return entries.get(key);
    },
    async put(key, value, expiresAt) {
      entries.set(key, { value, expiresAt });
    },
    async delete(key) {
      entries.delete(key);
    },
    async deleteExpired() {
      return 0;
    },
  };
  return { inner, entries, reads };
}

/** A change feed the test speaks into, as another node's writes would. */
function feed() {
  const listeners = new Set<(change: Change) => void>();
  const changes: ChangeFeed = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { changes, listeners, tell: (change: Change) => listeners.forEach((listener) => listener(change)) };
}

const keyVerdicts = (changes: ChangeFeed) => ({ changes, cache: 'keyVerdicts' as const });

test('verdicts carrying large keys push older ones out of memory; the store still answers for them', async () => {
  const { inner, reads } = store();
  const front = withMemoryFront(inner, keyVerdicts(feed().changes), { maxEntries: 1000, maxSize: 100_000 });
  await front.put('small@example.org', 'valid', 1000);
  for (let n = 0; n < 4; n++) await front.put(`big${n}@example.org`, 'k'.repeat(30_000), 1000);
  expect(await front.get('big3@example.org')).toBeDefined();
  expect(reads).toEqual([]);
  expect(await front.get('small@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  expect(reads).toEqual(['small@example.org']);
});

test('expired verdicts leave memory when the store purges', async () => {
  const { inner, reads } = store();
  const front = withMemoryFront(inner, keyVerdicts(feed().changes));
  await front.put('a@example.org', 'valid', 1000);
  await front.deleteExpired(2000);
  await front.get('a@example.org');
  expect(reads).toEqual(['a@example.org']);
});

test("another node's change to this cache drops the entry; a change to another cache does not", async () => {
  const { inner, entries, reads } = store();
  const { changes, tell } = feed();
  const front = withMemoryFront(inner, keyVerdicts(changes));
  await front.put('a@example.org', 'valid', 1000);
  entries.set('a@example.org', { value: 'changed', expiresAt: 1000 });
  tell({ cache: 'transportReports', key: 'a@example.org' });
  expect(await front.get('a@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  tell({ cache: 'keyVerdicts', key: 'a@example.org' });
  expect(await front.get('a@example.org')).toEqual({ value: 'changed', expiresAt: 1000 });
  expect(reads).toEqual(['a@example.org']);
});

test('a read from the store that a change overtook is handed out but not kept', async () => {
  const { entries, reads } = store();
  const { changes, tell } = feed();
  let release!: () => void;
  const slow: VerdictCache<string> = {
    ...store().inner,
    async get(key) {
      reads.push(key);
      const before = entries.get(key);
      await new Promise<void>((resolve) => (release = resolve));
      return before;
    },
  };
  const front = withMemoryFront(slow, keyVerdicts(changes));
  entries.set('a@example.org', { value: 'old', expiresAt: 1000 });
  const reading = front.get('a@example.org');
  tell({ cache: 'keyVerdicts', key: 'a@example.org' });
  release();
  expect((await reading)?.value).toBe('old');
  const second = front.get('a@example.org');
  release();
  await second;
  expect(reads).toEqual(['a@example.org', 'a@example.org']);
});

test('stopListening ends the subscription', () => {
  const { inner } = store();
  const { changes, listeners } = feed();
  const front = withMemoryFront(inner, keyVerdicts(changes));
  expect(listeners.size).toBe(1);
  front.stopListening();
  expect(listeners.size).toBe(0);
});
