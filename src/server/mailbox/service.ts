/**
 * Mailbox-access verdicts as the rest of the backend asks for them: cached in memory for the report's TTL (short
 * for `unknown`), one check in flight per domain however many callers ask, and a cap on probes running at once.
 */
import pLimit from 'p-limit';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { SingleFlight } from '../../core/single-flight';
import type { MailboxAccessAssessment } from '../../core/wire';
import { untilAborted } from '../net/until-aborted';
import type { LookupOptions, MailboxAccessService } from '../services';
import { BoundedCache, jsonSize } from '../store/bounded-cache';
import { madeOnce } from '../store/made-once';
import { checkMailboxAccess, type MailboxCheckDeps } from './check';
import type { MailboxAccessReport } from './report';

/** Probes one check runs at once within the shared pool, so a domain whose endpoints all stall cannot fill it. */
const PROBES_AT_ONCE_PER_CHECK = 8;

interface MailboxServiceOptions {
  deps: Omit<MailboxCheckDeps, 'schedule' | 'clock'>;
  /** Each domain check's own deadline; callers may stop waiting earlier. */
  checkDeadlineMs: number;
  /** Probes running at once across all checks: protects this machine and the remote servers. */
  maxConcurrentProbes?: number;
  /** Wall time for the cache's expiry, and the checks' clock. */
  clock?: Clock;
  /**
   * Reports held at most, by count and by total JSON size: anyone who can ask for a domain can make us check it,
   * and a hostile domain chooses how much evidence its report holds.
   */
  cacheLimits?: { maxEntries: number; maxSize: number };
}

function toAssessment(report: MailboxAccessReport): MailboxAccessAssessment {
  const { domain: _domain, verdict, reasons, checkedAt, ...evidence } = report;
  return { verdict, reasons, checkedAt, evidence: evidence as unknown as Record<string, unknown> };
}

/** The real `MailboxAccessService`: `checkMailboxAccess` behind a bounded memory cache. */
export class CachingMailboxService implements MailboxAccessService {
  private readonly inFlight = new SingleFlight<MailboxAccessReport>();
  private readonly cache: BoundedCache<string, { report: MailboxAccessReport; expiresAt: number }>;
  private readonly clock: Clock;
  private readonly pool: pLimit.Limit;
  /** Each report's assessment, made once: the send path asks for the same reports many times a second. */
  private readonly assessmentOf = madeOnce(toAssessment);
  readonly stats = { cacheHits: 0, cacheMisses: 0, checks: 0 };

  constructor(private readonly options: MailboxServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.pool = pLimit(options.maxConcurrentProbes ?? 32);
    const { maxEntries, maxSize } = options.cacheLimits ?? { maxEntries: 100_000, maxSize: 64 * 1024 * 1024 };
    this.cache = new BoundedCache({ maxEntries, maxSize, sizeOf: (entry) => jsonSize(entry.report) });
  }

  /** The check's dependencies, its probes queued first for its own share and then for the pool. */
  private depsForOneCheck(): MailboxCheckDeps {
    const share = pLimit(PROBES_AT_ONCE_PER_CHECK);
    return { ...this.options.deps, clock: this.clock, schedule: (task) => share(() => this.pool(task)) };
  }

  /** The unexpired report held in memory; an expired one is dropped. */
  private fresh(domain: string): MailboxAccessReport | undefined {
    const entry = this.cache.get(domain);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry.report;
    this.cache.delete(domain);
    return undefined;
  }

  /** The domain's report: from the cache, from a check already running, or from a new check. */
  async report(input: string): Promise<MailboxAccessReport> {
    const domain = normalizeDomain(input);
    const hit = this.fresh(domain);
    if (hit) {
      this.stats.cacheHits++;
      return hit;
    }
    this.stats.cacheMisses++;
    // Not tied to any one caller's signal: a caller that stops waiting leaves the check to finish for the next.
    return this.inFlight.run(domain, async () => {
      this.stats.checks++;
      const report = await checkMailboxAccess(domain, this.depsForOneCheck(), {
        deadlineMs: this.options.checkDeadlineMs,
      });
      this.cache.set(domain, { report, expiresAt: this.clock.now() + report.ttlSeconds * 1000 });
      return report;
    });
  }

  /** The assessment of a report held in memory; `domain` is in its normal form, as reports are kept. */
  kept(domain: string): MailboxAccessAssessment | undefined {
    const report = this.fresh(domain);
    if (report === undefined) return undefined;
    this.stats.cacheHits++;
    return this.assessmentOf(report);
  }

  /** The report as a wire assessment; a caller that gives up gets `unknown`, and the check runs on for the cache. */
  assess(domain: string, opts: LookupOptions): Promise<MailboxAccessAssessment> {
    const kept = this.kept(domain);
    if (kept) return Promise.resolve(kept);
    return untilAborted(
      this.report(domain).then((report) => this.assessmentOf(report)),
      opts.signal,
      () => ({
        verdict: 'unknown',
        reasons: [`the mailbox-access check of ${domain} was cancelled before it finished`],
      }),
    );
  }
}
