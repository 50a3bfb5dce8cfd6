/**
 * Expired key verdicts are dropped on a timer. Reads already ignore them (the caller's clock decides), but nothing
 * else removes a row: without the purge the table would keep one row for every address ever looked up.
 */
import type { Clock } from '../../core/clock';
import { runPeriodically, type Schedule } from '../schedule';
import type { VerdictCache } from './store';

interface PurgeOptions {
  clock: Clock;
  /** Where the purge gets its timer (`intervalSchedule`, unref'd, in the service); secure pickup's gets its own. */
  schedule: Schedule;
  /** The service's `purgeIntervalMs`, which secure pickup's purge uses too. */
  everyMs: number;
  /** A failed pass is reported, not thrown: the next one tries again. */
  onError: (error: unknown) => void;
}

/** Starts the periodic purge of `cache`; returns the function that stops it. */
export function purgeExpiredPeriodically<T>(cache: VerdictCache<T>, options: PurgeOptions): () => void {
  const { clock, schedule, everyMs, onError } = options;
  return runPeriodically(schedule, everyMs, () => cache.deleteExpired(clock.now()), onError);
}
