/**
 * @fastify/rate-limit's store over the service's rate counters: the API's limits (per client network, per caller)
 * count in windows every node sharing the database counts in, so a client spreading its requests over the nodes
 * behind a balancer is limited as if there were one, give or take what the nodes have not told each other yet
 * (`../store/batched-counters.ts`). With SQLite the counters are this process's memory.
 */
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../../core/clock';
import type { BatchedRateCounters } from '../store/batched-counters';

/**
 * The store class the plugin makes its store from. Every limiter derived from it (`createRateLimit`, a route's own
 * limit) counts under `prefix` in the same counters: the app's key generators keep their keys apart.
 */
export function sharedRateLimitStore(
  counters: BatchedRateCounters,
  clock: Clock,
  prefix: string,
): FastifyRateLimitStoreCtor {
  return class SharedRateLimitStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
      max: number,
    ): void {
      const now = clock.now();
      counters.hit(`${prefix}${key}`, timeWindow, now, max).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: resetAt - now }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
