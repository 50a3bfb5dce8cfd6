/**
 * Expired rows are dropped on a timer: key verdicts and transport reports past their lifetime, mailbox-access reports
 * once past their stale window too (mailbox/report.ts), MTA-STS policies past their max_age, rate windows that
 * ended, decision records past `decisions.retentionDays`. Reads already ignore them (the caller's clock decides), but
 * nothing else removes a row: without the purge the tables would keep one row for every address and domain ever
 * looked up. On a shared database one node at a time purges.
 */
import type { Clock } from '../../core/clock';
import { MAILBOX_STALE_WINDOW_MS } from '../mailbox/report';
import { runPeriodically, type Schedule } from '../schedule';
import type { ServiceStore } from './store';

/** The purge's name among the periodic work that runs on one node at a time. */
export const EXPIRED_ROWS_PURGE = 'expired-rows-purge';

/** What the purge clears, and how it takes its turn among the nodes. */
export type ExpiringState = Pick<
  ServiceStore,
  | 'keyVerdicts'
  | 'transportReports'
  | 'mailboxReports'
  | 'stsPolicies'
  | 'rateCounters'
  | 'decisions'
  | 'exclusive'
>;

interface PurgeOptions {
  clock: Clock;
  /** Where the purge gets its timer (`intervalSchedule`, unref'd, in the service); secure pickup's gets its own. */
  schedule: Schedule;
  /** The service's `purgeIntervalMs`, which secure pickup's purge uses too. */
  everyMs: number;
  /** How long decision records are kept (`decisions.retentionDays`). */
  decisionsRetentionMs: number;
  /** A failed pass is reported, not thrown: the next one tries again. */
  onError: (error: unknown) => void;
}

/** One pass over every expiring table, by one `now`; returns how many rows each lost. */
export async function purgeExpired(state: ExpiringState, now: number, decisionsRetentionMs: number) {
  return {
    keyVerdicts: await state.keyVerdicts.deleteExpired(now),
    transportReports: await state.transportReports.deleteExpired(now),
    // Answered for a while after they expire, while a check runs again.
    mailboxReports: await state.mailboxReports.deleteExpired(now - MAILBOX_STALE_WINDOW_MS),
    stsPolicies: await state.stsPolicies.deleteExpired(now),
    rateCounters: await state.rateCounters.deleteExpired(now),
    decisions: await state.decisions.deleteOlderThan(now - decisionsRetentionMs),
  };
}

/** Starts the periodic purge; returns the function that stops it. */
export function purgeExpiredPeriodically(state: ExpiringState, options: PurgeOptions): () => void {
  const { clock, schedule, everyMs, onError, decisionsRetentionMs } = options;
  const pass = () =>
    state.exclusive.run(EXPIRED_ROWS_PURGE, () => purgeExpired(state, clock.now(), decisionsRetentionMs));
  return runPeriodically(schedule, everyMs, pass, onError);
}
