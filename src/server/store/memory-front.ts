/**
 * A verdict cache with the answers it has read or written also kept in memory: the send path asks for every
 * recipient of every message, and a database read (with its JSON and schema parse) costs far more than a map
 * lookup. Every write and delete goes through to the store, so an admin's pin change, which deletes the
 * cached verdict, is seen at once by this process. (Several processes sharing one database would each keep
 * their own front: a later PostgreSQL store needs a change notification to clear them.)
 */
import type { CacheEntry, VerdictCache } from './store';

export function withMemoryFront<T>(inner: VerdictCache<T>, maxEntries = 50_000): VerdictCache<T> {
  const front = new Map<string, CacheEntry<T>>();
  const remember = (key: string, entry: CacheEntry<T>) => {
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (front.size >= maxEntries) front.delete(front.keys().next().value as string);
    front.set(key, entry);
  };
  return {
    async get(key) {
      const hit = front.get(key);
      if (hit) return hit;
      const stored = await inner.get(key);
      if (stored) remember(key, stored);
      return stored;
    },
    async put(key, value, expiresAt) {
      remember(key, { value, expiresAt });
      await inner.put(key, value, expiresAt);
    },
    async delete(key) {
      front.delete(key);
      await inner.delete(key);
    },
    async deleteExpired(now) {
      for (const [key, entry] of front) if (entry.expiresAt < now) front.delete(key);
      return inner.deleteExpired(now);
    },
  };
}
