/**
 * A fixed-window counter per key (client address) kept in memory, bounded: an attacker rotating addresses fills
 * it, and a full table drops its expired windows, then refuses newcomers rather than growing without limit.
 */
export class RateWindow {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly capacity = 100_000,
  ) {}

  /** Counts one hit; false once `key` is over `max` in its window. */
  hit(key: string, now: number): boolean {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      if (!window && this.windows.size >= this.capacity) this.sweep(now);
      if (!window && this.windows.size >= this.capacity) return false;
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return window.count <= this.max;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
