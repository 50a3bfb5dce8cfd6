/**
 * What remote lookups came to, kept per key for a while, with one lookup per key at a time. The shared lookup
 * runs under its own deadline, never a caller's signal: a caller who gives up (its own signal) is answered at
 * once, while the lookup goes on for the others and for the cache. So one caller's abort neither fails the
 * callers who joined it nor is kept as the key's failure.
 */
import type { Clock } from '../../../core/clock';
import { SingleFlight } from '../../../core/single-flight';
import { untilAborted } from '../../net/until-aborted';
import { BoundedCache } from '../../store/bounded-cache';

export interface LookupCacheLimits {
  /** How long an answer is kept; `noneMs` for "nothing here" (undefined), `failedMs` after a failure. */
  foundMs: number;
  noneMs: number;
  failedMs: number;
  /** Keys kept; past it the least recently used goes. */
  max: number;
  /** The deadline of one shared lookup. */
  deadlineMs: number;
}

export class LookupCache<T> {
  private readonly kept: BoundedCache<string, { value: T | undefined; until: number }>;
  private readonly running = new SingleFlight<T | undefined>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: LookupCacheLimits,
  ) {
    this.kept = new BoundedCache({ maxEntries: limits.max });
  }

  /**
   * The kept answer for `key`, or `look`'s; undefined for "nothing here", and for a lookup that failed a moment
   * ago (the failure is thrown to the callers of the lookup that failed, and kept as undefined for `failedMs`).
   * Throws the caller's `signal.reason` when the caller gives up first.
   */
  async get(
    key: string,
    look: (signal: AbortSignal) => Promise<T | undefined>,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    const known = this.peek(key);
    if (known) return known.value;
    const shared = this.running.run(key, () => this.lookUp(key, look));
    return signal
      ? untilAborted(shared, signal, () => {
          throw signal.reason;
        })
      : shared;
  }

  /** The answer kept for `key` while it holds, as `{ value }` (undefined: "nothing here"), without looking. */
  peek(key: string): { value: T | undefined } | undefined {
    const known = this.kept.get(key);
    return known && known.until > this.clock.now() ? known : undefined;
  }

  private async lookUp(key: string, look: (signal: AbortSignal) => Promise<T | undefined>) {
    const { foundMs, noneMs, failedMs } = this.limits;
    try {
      const value = await look(AbortSignal.timeout(this.limits.deadlineMs));
      this.keep(key, value, value === undefined ? noneMs : foundMs);
      return value;
    } catch (error) {
      this.keep(key, undefined, failedMs);
      throw error;
    }
  }

  private keep(key: string, value: T | undefined, ttlMs: number): void {
    this.kept.set(key, { value, until: this.clock.now() + ttlMs });
  }
}
