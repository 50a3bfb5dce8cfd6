/**
 * A fixed-window counter per key (a client network, or a recipient on one), held in a bounded cache. When the
 * cache is full the least recently used window leaves: refusing newcomers instead would let one client holding
 * many addresses lock every other client out. Eviction only ever forgets a counter, so the worst an
 * address-rotating client gains is fresh windows for itself, never a refusal for someone else.
 */
import { BoundedCache } from '../store/bounded-cache';

interface Window {
  count: number;
  resetAt: number;
}

export class RateWindow {
  private readonly windows: BoundedCache<string, Window>;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    capacity = 100_000,
  ) {
    this.windows = new BoundedCache({ maxEntries: capacity });
  }

  /** Counts one hit for `key`; 0 when allowed, otherwise the milliseconds until its window ends. */
  hit(key: string, now: number): number {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    if (window.count >= this.max) return window.resetAt - now;
    window.count++;
    return 0;
  }

  get size(): number {
    return this.windows.size;
  }
}
