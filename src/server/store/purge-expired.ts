/**
 * Expired key verdicts are dropped on a timer. Reads already ignore them (the caller's clock decides), but nothing
 * else removes a row: without the purge the table would keep one row for every address ever looked up.
 */
import type { Clock } from '../../core/clock';
import type { Schedule } from '../schedule';
import type { VerdictCache } from './store';

interface PurgeOptions {
  clock: Clock;
  /** The timer secure pickup's purge runs on too (`intervalSchedule`, unref'd, in the service). */
  schedule: Schedule;
  /** The service's `purgeIntervalMs`, which secure pickup's purge uses too. */
  everyMs: number;
  /** A failed pass is reported, not thrown: the next one tries again. */
  onError: (error: unknown) => void;
}

/** Starts the periodic purge of `cache`; returns the function that stops it. */
export function purgeExpiredPeriodically<T>(cache: VerdictCache<T>, options: PurgeOptions): () => void {
  const purge = () => void cache.deleteExpired(options.clock.now()).catch(options.onError);
  return options.schedule(purge, options.everyMs);
}
