/**
 * A fixed-window limit per key (a client network, or a recipient on one) over the service's rate counters, which
 * every node sharing the database counts into: a client spreading its tries over the nodes behind a balancer gets
 * no more of them than from one. Each limiter keeps its counters under its own key prefix. How many counters are
 * held, and for how long, is the counters' business (bounded in memory with SQLite, purged rows with PostgreSQL).
 */
import type { RateCounters } from '../store/store';

export interface RateLimit {
  /** Set apart from every other limiter's keys, e.g. `escrow-ip:`. */
  prefix: string;
  max: number;
  windowMs: number;
}

export class RateWindow {
  constructor(
    private readonly counters: RateCounters,
    private readonly limit: RateLimit,
  ) {}

  /** Counts one hit for `key`; 0 when allowed, otherwise the milliseconds until its window ends. */
  async hit(key: string, now: number): Promise<number> {
    const { prefix, max, windowMs } = this.limit;
    const { count, resetAt } = await this.counters.hit(`${prefix}${key}`, windowMs, now);
    return count > max ? resetAt - now : 0;
  }
}
