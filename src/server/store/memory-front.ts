/**
 * A verdict cache with the answers it has read or written also kept in memory: the send path asks for every
 * recipient of every message, and a database read (with its JSON and schema parse) costs far more than a map
 * lookup. Every write and delete goes through to the store, so an admin's pin change, which deletes the
 * cached verdict, is seen at once by this process. (Several processes sharing one database would each keep
 * their own front: a later PostgreSQL store needs a change notification to clear them.)
 */
import { BoundedCache, jsonSize } from './bounded-cache';
import type { CacheEntry, VerdictCache } from './store';

export function withMemoryFront<T>(
  inner: VerdictCache<T>,
  maxEntries = 50_000,
  maxSize = 64 * 1024 * 1024,
): VerdictCache<T> {
  // A valid key verdict carries the key, whose size its publisher chooses: bounded by total size too.
  const front = new BoundedCache<string, CacheEntry<T>>({
    maxEntries,
    maxSize,
    sizeOf: (entry) => jsonSize(entry.value),
  });
  return {
    async get(key) {
      const hit = front.get(key);
      if (hit) return hit;
      const stored = await inner.get(key);
      if (stored) front.set(key, stored);
      return stored;
    },
    async put(key, value, expiresAt) {
      front.set(key, { value, expiresAt });
      await inner.put(key, value, expiresAt);
    },
    async delete(key) {
      front.delete(key);
      await inner.delete(key);
    },
    async deleteExpired(now) {
      front.prune((entry) => entry.expiresAt < now);
      return inner.deleteExpired(now);
    },
  };
}
