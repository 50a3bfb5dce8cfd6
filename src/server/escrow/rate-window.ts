/**
 * A fixed-window counter per key (a client network, or a recipient on one) kept in memory and bounded. When the
 * table is full it drops expired windows and then the oldest ones: refusing newcomers instead would let one
 * client holding many addresses lock every other client out. Eviction only ever forgets a counter, so the worst
 * an address-rotating client gains is fresh windows for itself, never a refusal for someone else.
 */
export class RateWindow {
  /** Insertion order is age: a key gets re-inserted when its window starts again. */
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly capacity = 100_000,
  ) {}

  /** Counts one hit for `key`; 0 when allowed, otherwise the milliseconds until its window ends. */
  hit(key: string, now: number): number {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.windows.delete(key);
      if (this.windows.size >= this.capacity) this.makeRoom(now);
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

  /** Windows all last `windowMs` and a restarted one moves to the end, so the oldest — and expired — come first. */
  private makeRoom(now: number): void {
    for (const [key, window] of this.windows) {
      if (this.windows.size < this.capacity && window.resetAt > now) break;
      this.windows.delete(key);
    }
  }
}
