/**
 * Transport verdicts as the rest of the backend asks for them: cached for the report's TTL (short for `unknown`),
 * one check in flight per domain however many callers ask, and a cap on checks running at once.
 */
import pLimit from 'p-limit';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import type { DomainAssessment } from '../../core/wire';
import { untilAborted } from '../net/until-aborted';
import type { LookupOptions, TransportService } from '../services';
import { madeOnce } from '../store/made-once';
import { freshReport, MemoryReportCache, type ReportCache as KeptReports } from '../store/report-cache';
import type { VerdictChanges } from '../store/verdict-changes';
import { WritesInOrder } from '../store/writes-in-order';
import { SingleFlight } from '../../core/single-flight';
import { checkDomain, type TransportCheckDeps } from './check-domain';
import type { TransportReport } from './report';

/**
 * Probes one check runs at once within the shared pool: a domain whose addresses all stall holds this share of it
 * until its deadline, not the whole pool, so other senders' checks still find room.
 */
export const PROBES_AT_ONCE_PER_CHECK = 10;

/** Where the transport service keeps its reports between checks: only unexpired ones are answered. */
export type ReportCache = KeptReports<TransportReport>;

interface TransportServiceOptions {
  deps: Omit<TransportCheckDeps, 'schedule' | 'clock'>;
  /** Each domain check's own deadline; callers may stop waiting earlier. */
  checkDeadlineMs: number;
  /** Probes running at once across all checks: protects this machine and the remote servers. */
  maxConcurrentProbes?: number;
  cache?: ReportCache;
  /** Wall time for the cache's expiry, and the checks' clock. */
  clock?: Clock;
  /** Told of every cache lookup, for the service's metrics: whether the report came from the cache. */
  onCacheLookup?: (result: 'hit' | 'miss') => void;
  /** Told when a finished report could not be kept (the database failed); its callers get the report anyway. */
  onCacheWriteError?: (error: unknown, domain: string) => void;
  /** Where each finished check's verdict is recorded when it differs from the last one (the admin's Domains page). */
  verdictChanges?: Pick<VerdictChanges, 'record'>;
  /** Told when a verdict could not be recorded; the check's callers get their report anyway. */
  onVerdictChangeError?: (error: unknown, domain: string) => void;
}

function toAssessment(report: TransportReport): DomainAssessment {
  const { domain, verdict, reasons, checkedAt, ...evidence } = report;
  return { domain, verdict, reasons, checkedAt, evidence: evidence as unknown as Record<string, unknown> };
}

/** The real `TransportService`: `checkDomain` behind the report cache, one check in flight per domain. */
export class CachingTransportService implements TransportService {
  private readonly inFlight = new SingleFlight<TransportReport>();
  private readonly cache: ReportCache;
  private readonly clock: Clock;
  private readonly pool: pLimit.Limit;
  /** Each report's assessment, made once: the send path asks for the same reports many times a second. */
  private readonly assessmentOf = madeOnce(toAssessment);
  private readonly verdictWrites = new WritesInOrder();
  readonly stats = { cacheHits: 0, cacheMisses: 0, checks: 0 };

  constructor(private readonly options: TransportServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.cache = options.cache ?? new MemoryReportCache<TransportReport>(this.clock);
    this.pool = pLimit(options.maxConcurrentProbes ?? 64);
  }

  /** The check's dependencies, its probes queued first for its own share and then for the pool. */
  private depsForOneCheck(): TransportCheckDeps {
    const share = pLimit(PROBES_AT_ONCE_PER_CHECK);
    return { ...this.options.deps, clock: this.clock, schedule: (task) => share(() => this.pool(task)) };
  }

  /** The cached report if fresh, without starting anything. */
  async cached(input: string): Promise<TransportReport | undefined> {
    return freshReport(await this.cache.get(normalizeDomain(input)), this.clock.now());
  }

  /** The domain's report: from the cache, from a check already running, or from a new check. */
  async report(input: string): Promise<TransportReport> {
    const domain = normalizeDomain(input);
    const hit = freshReport(await this.cache.get(domain), this.clock.now());
    this.options.onCacheLookup?.(hit ? 'hit' : 'miss');
    if (hit) {
      this.stats.cacheHits++;
      return hit;
    }
    this.stats.cacheMisses++;
    // Not tied to any one caller's signal: a caller that stops waiting leaves the check to finish for the next.
    return this.inFlight.run(domain, async () => {
      this.stats.checks++;
      const report = await checkDomain(domain, this.depsForOneCheck(), {
        deadlineMs: this.options.checkDeadlineMs,
      });
      await this.keep(domain, report);
      // Not waited for: the admin's bookkeeping must not hold the check past its deadline.
      void this.recordVerdict(domain, report);
      return report;
    });
  }

  /**
   * Keeps `report` for its TTL. A failed write is reported, not thrown: the check is done, and throwing would fail it
   * for every caller sharing it; the next one to ask checks again.
   */
  private async keep(domain: string, report: TransportReport): Promise<void> {
    try {
      await this.cache.set(domain, report, this.clock.now() + report.ttlSeconds * 1000);
    } catch (error) {
      this.options.onCacheWriteError?.(error, domain);
    }
  }

  /**
   * Records the verdict when it changed, after the domain's records started before it; like `keep`, a failure is
   * reported, never the check's failure.
   */
  private recordVerdict(domain: string, report: TransportReport): Promise<void> {
    const changes = this.options.verdictChanges;
    if (changes === undefined) return Promise.resolve();
    const at = this.clock.now();
    return this.verdictWrites.start(domain, async () => {
      try {
        await changes.record(domain, report.verdict, at);
      } catch (error) {
        this.options.onVerdictChangeError?.(error, domain);
      }
    });
  }

  /**
   * The assessment of a report held in memory. Reports are kept under the domain's normal form, so a domain found
   * as it is given is in that form already and needs no normalising.
   */
  kept(domain: string): DomainAssessment | undefined {
    const report = freshReport(this.cache.peek?.(domain), this.clock.now());
    if (report === undefined) return undefined;
    this.options.onCacheLookup?.('hit');
    this.stats.cacheHits++;
    return this.assessmentOf(report);
  }

  /**
   * The report as a wire assessment; a caller that gives up gets `unknown`, and the check runs on for the cache.
   * One held in memory is answered as it is, with nothing to give up on.
   */
  assess(domain: string, opts: LookupOptions): Promise<DomainAssessment> {
    const kept = this.kept(domain);
    if (kept) return Promise.resolve(kept);
    return untilAborted(
      this.report(domain).then((report) => this.assessmentOf(report)),
      opts.signal,
      () => ({
        domain: normalizeDomain(domain),
        verdict: 'unknown',
        reasons: ['the transport check was cancelled before it finished'],
      }),
    );
  }
}
