/**
 * A verdict cache with the answers it has read or written also kept in memory: the send path asks for every
 * recipient of every message, and a database read (with its JSON and schema parse) costs far more than a map
 * lookup. Every write and delete goes through to the store, so an admin's pin change, which deletes the
 * cached verdict, is seen at once by this process; another node's change to the same cache reaches this front
 * through the store's change feed, which drops the entry here (or every entry, when the feed may have missed changes);
 * while the feed is not live, every read goes to the store.
 */
import { BoundedCache, jsonSize } from './bounded-cache';
import { ReadGuard } from './read-guard';
import type { CacheEntry, ChangedCache, ChangeFeed, VerdictCache } from './store';

export interface MemoryFrontLimits {
  maxEntries?: number;
  /** Total JSON length of the values held. */
  maxSize?: number;
}

/** The front is a VerdictCache; it listens to the feed until `stopListening` (or until the store closes). */
export interface MemoryFront<T> extends VerdictCache<T> {
  stopListening(): void;
}

export function withMemoryFront<T>(
  inner: VerdictCache<T>,
  feed: { changes: ChangeFeed; cache: ChangedCache },
  limits: MemoryFrontLimits = {},
): MemoryFront<T> {
  // A valid key verdict carries the key, whose size its publisher chooses: bounded by total size too.
  const front = new BoundedCache<string, CacheEntry<T>>({
    maxEntries: limits.maxEntries ?? 50_000,
    maxSize: limits.maxSize ?? 64 * 1024 * 1024,
    sizeOf: (entry) => jsonSize(entry.value),
  });
  const reads = new ReadGuard(feed.changes);
  const stopListening = reads.follow(feed.cache, {
    drop: (key) => front.delete(key),
    dropAll: () => front.prune(() => true),
  });
  const peek = (key: string) => (reads.trusted ? front.get(key) : undefined);
  return {
    peek,
    async get(key) {
      const hit = peek(key);
      return (
        hit ??
        reads.readThrough(
          () => inner.get(key),
          () => key,
          (stored) => front.set(key, stored),
        )
      );
    },
    // A read in flight is marked both before the write (it may bring back the old row after this one is in
    // memory) and after it (it may have started while the write was under way).
    async put(key, value, expiresAt) {
      reads.changed(key);
      front.set(key, { value, expiresAt });
      await inner.put(key, value, expiresAt);
      reads.changed(key);
    },
    async delete(key) {
      reads.changed(key);
      front.delete(key);
      await inner.delete(key);
      reads.changed(key);
    },
    async deleteExpired(now) {
      front.prune((entry) => entry.expiresAt < now);
      return inner.deleteExpired(now);
    },
    stopListening,
  };
}
