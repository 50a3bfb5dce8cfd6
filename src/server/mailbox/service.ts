/**
 * Mailbox-access verdicts as the rest of the backend asks for them: kept for the report's TTL (short for
 * `unknown`) in memory or in the service's store, one check in flight per domain however many callers ask, and a
 * cap on probes running at once. A report past its TTL, whatever its verdict (an `unknown` too), is still answered
 * for a while, as it is, while one check runs again in the background (MAILBOX_STALE_WINDOW_MS in report.ts).
 */
import pLimit from 'p-limit';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { SingleFlight } from '../../core/single-flight';
import type { MailboxAccessAssessment } from '../../core/wire';
import { untilAborted } from '../net/until-aborted';
import type { LookupOptions, MailboxAccessService } from '../services';
import { madeOnce } from '../store/made-once';
import { freshReport, MemoryReportCache, type ReportCache } from '../store/report-cache';
import type { CacheEntry } from '../store/store';
import { checkMailboxAccess, type MailboxCheckDeps } from './check';
import { MAILBOX_STALE_WINDOW_MS, type MailboxAccessReport } from './report';

/** Probes one check runs at once within the shared pool, so a domain whose endpoints all stall cannot fill it. */
const PROBES_AT_ONCE_PER_CHECK = 8;

interface MailboxServiceOptions {
  deps: Omit<MailboxCheckDeps, 'schedule' | 'clock'>;
  /** Each domain check's own deadline; callers may stop waiting earlier. */
  checkDeadlineMs: number;
  /** Probes running at once across all checks: protects this machine and the remote servers. */
  maxConcurrentProbes?: number;
  /** Where reports are kept: the service's store (`storedReportCache`) or, when absent, this process's memory. */
  cache?: ReportCache<MailboxAccessReport>;
  /** Wall time for the reports' expiry, and the checks' clock. */
  clock?: Clock;
  /** Told when a finished report could not be kept (the database failed); its callers get the report anyway. */
  onCacheWriteError?: (error: unknown, domain: string) => void;
}

function toAssessment(report: MailboxAccessReport): MailboxAccessAssessment {
  const { domain: _domain, verdict, reasons, checkedAt, ...evidence } = report;
  return { verdict, reasons, checkedAt, evidence: evidence as unknown as Record<string, unknown> };
}

/** The real `MailboxAccessService`: `checkMailboxAccess` behind the report cache. */
export class CachingMailboxService implements MailboxAccessService {
  private readonly inFlight = new SingleFlight<MailboxAccessReport>();
  private readonly cache: ReportCache<MailboxAccessReport>;
  private readonly clock: Clock;
  private readonly pool: pLimit.Limit;
  /** Each report's assessment, made once: the send path asks for the same reports many times a second. */
  private readonly assessmentOf = madeOnce(toAssessment);
  readonly stats = { cacheHits: 0, staleHits: 0, cacheMisses: 0, checks: 0 };

  constructor(private readonly options: MailboxServiceOptions) {
    this.clock = options.clock ?? systemClock;
    // Bounded: anyone who can ask for a domain can make us check it, and a hostile domain chooses how much
    // evidence its report holds.
    this.cache =
      options.cache ??
      new MemoryReportCache<MailboxAccessReport>(
        this.clock,
        100_000,
        64 * 1024 * 1024,
        MAILBOX_STALE_WINDOW_MS,
      );
    this.pool = pLimit(options.maxConcurrentProbes ?? 32);
  }

  /** The check's dependencies, its probes queued first for its own share and then for the pool. */
  private depsForOneCheck(): MailboxCheckDeps {
    const share = pLimit(PROBES_AT_ONCE_PER_CHECK);
    return { ...this.options.deps, clock: this.clock, schedule: (task) => share(() => this.pool(task)) };
  }

  /**
   * The report of a kept entry that may still be answered: unexpired, or expired within the stale window, in which
   * case one check starts again in the background (joining one already running).
   */
  private answerable(domain: string, entry: CacheEntry<MailboxAccessReport> | undefined) {
    if (entry === undefined) return undefined;
    const now = this.clock.now();
    if (entry.expiresAt > now) {
      this.stats.cacheHits++;
      return entry.value;
    }
    if (entry.expiresAt + MAILBOX_STALE_WINDOW_MS <= now) return undefined;
    this.stats.staleHits++;
    // A re-check that fails leaves the kept report answered; the next caller starts another.
    this.check(domain).catch(() => undefined);
    return entry.value;
  }

  /** One check of `domain` at a time, kept when done. */
  private check(domain: string): Promise<MailboxAccessReport> {
    // Not tied to any one caller's signal: a caller that stops waiting leaves the check to finish for the next.
    return this.inFlight.run(domain, async () => {
      this.stats.checks++;
      const report = await checkMailboxAccess(domain, this.depsForOneCheck(), {
        deadlineMs: this.options.checkDeadlineMs,
      });
      await this.keep(domain, report);
      return report;
    });
  }

  /**
   * Keeps `report` for its TTL. A failed write is reported, not thrown: the check is done, and throwing would fail it
   * for every caller sharing it; the next one to ask checks again.
   */
  private async keep(domain: string, report: MailboxAccessReport): Promise<void> {
    try {
      await this.cache.set(domain, report, this.clock.now() + report.ttlSeconds * 1000);
    } catch (error) {
      this.options.onCacheWriteError?.(error, domain);
    }
  }

  /**
   * The domain's unexpired report: from the cache, from a check already running, or from a new check. An expired
   * one is not answered here: the command line and the domain report show what a check finds now.
   */
  async report(input: string): Promise<MailboxAccessReport> {
    const domain = normalizeDomain(input);
    const hit = freshReport(await this.cache.get(domain), this.clock.now());
    if (hit) {
      this.stats.cacheHits++;
      return hit;
    }
    this.stats.cacheMisses++;
    return this.check(domain);
  }

  /**
   * The assessment of a report held in memory, unexpired or within the stale window; `domain` is in its normal
   * form, as reports are kept.
   */
  kept(domain: string): MailboxAccessAssessment | undefined {
    const report = this.answerable(domain, this.cache.peek?.(domain));
    return report && this.assessmentOf(report);
  }

  /** A kept report still answerable, else a check's. */
  private async answer(input: string): Promise<MailboxAccessReport> {
    const domain = normalizeDomain(input);
    const kept = this.answerable(domain, await this.cache.get(domain));
    if (kept) return kept;
    this.stats.cacheMisses++;
    return this.check(domain);
  }

  /**
   * The report as a wire assessment, a recently expired one answered at once (its `checkedAt` tells its age); a
   * caller that gives up gets `unknown`, and the check runs on for the cache.
   */
  assess(domain: string, opts: LookupOptions): Promise<MailboxAccessAssessment> {
    const kept = this.kept(domain);
    if (kept) return Promise.resolve(kept);
    return untilAborted(
      this.answer(domain).then((report) => this.assessmentOf(report)),
      opts.signal,
      () => ({
        verdict: 'unknown',
        reasons: [`the mailbox-access check of ${domain} was cancelled before it finished`],
      }),
    );
  }
}
