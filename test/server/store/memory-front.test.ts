/** The memory in front of a verdict cache: bounded, purged with the store, and told of other nodes' changes. */
import { withMemoryFront } from '../../../src/server/store/memory-front';
import type { CacheEntry, ChangeFeed, VerdictCache } from '../../../src/server/store/store';
import { manualFeed } from '../../helpers/change-feed';

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

const keyVerdicts = (changes: ChangeFeed) => ({ changes, cache: 'keyVerdicts' as const });

test('verdicts carrying large keys push older ones out of memory; the store still answers for them', async () => {
  const { inner, reads } = store();
  const front = withMemoryFront(inner, keyVerdicts(manualFeed().changes), {
    maxEntries: 1000,
    maxSize: 100_000,
  });
  await front.put('small@example.org', 'valid', 1000);
  for (let n = 0; n < 4; n++) await front.put(`big${n}@example.org`, 'k'.repeat(30_000), 1000);
  expect(await front.get('big3@example.org')).toBeDefined();
  expect(reads).toEqual([]);
  expect(await front.get('small@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  expect(reads).toEqual(['small@example.org']);
});

test('expired verdicts leave memory when the store purges', async () => {
  const { inner, reads } = store();
  const front = withMemoryFront(inner, keyVerdicts(manualFeed().changes));
  await front.put('a@example.org', 'valid', 1000);
  await front.deleteExpired(2000);
  await front.get('a@example.org');
  expect(reads).toEqual(['a@example.org']);
});

test("another node's change to this cache drops the entry; a change to another cache does not", async () => {
  const { inner, entries, reads } = store();
  const { changes, tell } = manualFeed();
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
  const { changes, tell } = manualFeed();
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

/** A store whose next read waits, holding the row it found, until `release`. */
function heldReads() {
  const { inner, entries, reads } = store();
  const waiting: (() => void)[] = [];
  const held: VerdictCache<string> = {
    ...inner,
    async get(key) {
      reads.push(key);
      const before = entries.get(key);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return before;
    },
  };
  return { held, entries, reads, release: () => waiting.shift()!() };
}

test("a read that this node's own delete overtook is not kept: the next read asks the store", async () => {
  const { held, entries, reads, release } = heldReads();
  const front = withMemoryFront(held, keyVerdicts(manualFeed().changes));
  entries.set('a@example.org', { value: 'old', expiresAt: 1000 });
  const reading = front.get('a@example.org');
  // As a pin set on this node deletes the cached verdict while a send path's read waits on the database.
  await front.delete('a@example.org');
  release();
  expect((await reading)?.value).toBe('old');
  const second = front.get('a@example.org');
  release();
  expect(await second).toBeUndefined();
  expect(reads).toEqual(['a@example.org', 'a@example.org']);
});

test('a change to another key does not keep a read out of memory', async () => {
  const { held, entries, reads, release } = heldReads();
  const { changes, tell } = manualFeed();
  const front = withMemoryFront(held, keyVerdicts(changes));
  entries.set('a@example.org', { value: 'valid', expiresAt: 1000 });
  const reading = front.get('a@example.org');
  tell({ cache: 'keyVerdicts', key: 'b@example.org' });
  await front.delete('c@example.org');
  release();
  await reading;
  expect(await front.get('a@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  expect(reads).toEqual(['a@example.org']);
});

test('while the feed is not live every read goes to the store and none is kept; a reset ends that', async () => {
  const { inner, entries, reads } = store();
  const { changes, lose, reset } = manualFeed();
  const front = withMemoryFront(inner, keyVerdicts(changes));
  await front.put('a@example.org', 'valid', 1000);
  lose();
  // Changed by another node while this one could not hear it.
  entries.set('a@example.org', { value: 'changed', expiresAt: 1000 });
  expect((await front.get('a@example.org'))?.value).toBe('changed');
  expect((await front.get('a@example.org'))?.value).toBe('changed');
  expect(reads).toEqual(['a@example.org', 'a@example.org']);
  reset();
  await front.get('a@example.org');
  await front.get('a@example.org');
  expect(reads).toEqual(['a@example.org', 'a@example.org', 'a@example.org']);
});

test('stopListening ends the subscription', async () => {
  const { inner, entries } = store();
  const { changes, tell } = manualFeed();
  const front = withMemoryFront(inner, keyVerdicts(changes));
  await front.put('a@example.org', 'valid', 1000);
  front.stopListening();
  entries.set('a@example.org', { value: 'changed', expiresAt: 1000 });
  tell({ cache: 'keyVerdicts', key: 'a@example.org' });
  expect((await front.get('a@example.org'))?.value).toBe('valid');
});

test('peek answers from memory without waiting, and holds nothing while the feed is not live', async () => {
  const { inner, reads } = store();
  const { changes, lose, reset } = manualFeed();
  const front = withMemoryFront(inner, keyVerdicts(changes));
  expect(front.peek?.('a@example.org')).toBeUndefined();
  await front.put('a@example.org', 'valid', 1000);
  expect(front.peek?.('a@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  lose();
  expect(front.peek?.('a@example.org')).toBeUndefined();
  reset();
  // The reset dropped what memory held: only a read from the store brings it back.
  expect(front.peek?.('a@example.org')).toBeUndefined();
  await front.get('a@example.org');
  expect(front.peek?.('a@example.org')).toEqual({ value: 'valid', expiresAt: 1000 });
  expect(reads).toEqual(['a@example.org']);
});
