/**
 * Where a check service (transport, mailbox access) keeps its reports between checks: in memory, or in the
 * service's store behind its memory front. Every entry is handed back with its expiry, expired or not, as the
 * store's verdict caches do: the service's clock decides what an expired report is still good for.
 */
import { systemClock, type Clock } from '../../core/clock';
import { BoundedCache, jsonSize } from './bounded-cache';
import type { CacheEntry, VerdictCache } from './store';

/** Asynchronous: it may be a database. */
export interface ReportCache<R> {
  get(domain: string): Promise<CacheEntry<R> | undefined>;
  /** The entry held in memory, without waiting; undefined when only `get` can tell. */
  peek?(domain: string): CacheEntry<R> | undefined;
  set(domain: string, report: R, expiresAt: number): Promise<void>;
}

/** The report of `entry` while it is unexpired at `now`. */
export function freshReport<R>(entry: CacheEntry<R> | undefined, now: number): R | undefined {
  return entry !== undefined && entry.expiresAt > now ? entry.value : undefined;
}

/**
 * Reports held in memory. Anyone who can ask for a domain can make us check it, and a hostile domain chooses how
 * much evidence its report holds (banners, extensions, certificates), so the cache is bounded by entries and by
 * the reports' total JSON size; the oldest go first.
 */
export class MemoryReportCache<R> implements ReportCache<R> {
  private readonly entries: BoundedCache<string, CacheEntry<R>>;

  constructor(
    private readonly clock: Clock = systemClock,
    maxEntries = 100_000,
    maxSize = 128 * 1024 * 1024,
    /** How long past its expiry an entry is still handed back; older ones are dropped when read. */
    private readonly keptPastExpiryMs = 0,
  ) {
    this.entries = new BoundedCache({ maxEntries, maxSize, sizeOf: (entry) => jsonSize(entry.value) });
  }

  peek(domain: string): CacheEntry<R> | undefined {
    const entry = this.entries.get(domain);
    if (entry === undefined || entry.expiresAt + this.keptPastExpiryMs > this.clock.now()) return entry;
    this.entries.delete(domain);
    return undefined;
  }

  async get(domain: string): Promise<CacheEntry<R> | undefined> {
    return this.peek(domain);
  }

  async set(domain: string, report: R, expiresAt: number): Promise<void> {
    this.entries.set(domain, { value: report, expiresAt });
  }
}

/**
 * Reports kept in one of the service's store caches (`transportReports`, `mailboxReports`, each with a memory front
 * in serve.ts): persisted and shared, so that neither a restart nor another node checks a domain again while its
 * report is kept.
 */
export function storedReportCache<R>(reports: VerdictCache<R>): ReportCache<R> {
  return {
    get: (domain) => reports.get(domain),
    peek: (domain) => reports.peek?.(domain),
    set: (domain, report, expiresAt) => reports.put(domain, report, expiresAt),
  };
}
