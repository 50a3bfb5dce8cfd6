/**
 * The shared-state parts of a ServiceStore for a store only one process uses (SQLite): counters in memory, every
 * periodic task runs, and no other node ever changes anything.
 */
import { BoundedCache } from './bounded-cache';
import type { ChangeFeed, Exclusive, RateCounters } from './store';

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Windows in a bounded cache: when it is full the least recently used window leaves, so a client rotating through
 * keys can only forget counters (gaining fresh windows for itself), never push anyone else to a refusal.
 */
export function memoryRateCounters(capacity = 100_000): RateCounters {
  const windows = new BoundedCache<string, Window>({ maxEntries: capacity });
  return {
    async hit(key, windowMs, now, hits = 1) {
      let window = windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { count: 0, resetAt: now + windowMs };
        windows.set(key, window);
      }
      window.count += hits;
      return { count: window.count, resetAt: window.resetAt };
    },
    async deleteExpired(now) {
      return windows.prune((window) => window.resetAt < now);
    },
  };
}

export const everyTaskRuns: Exclusive = {
  run: (_name, task) => task(),
};

export const noChanges: ChangeFeed = {
  subscribe: () => () => undefined,
  live: true,
};
