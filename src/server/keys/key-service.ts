/**
 * The key lookups the API serves: `lookupKey` behind a cache (valid keys kept for an hour, refusals and absences
 * for five minutes so a newly published key shows up soon, `unknown` for thirty seconds) and with one lookup in flight
 * per address, shared by every caller asking meanwhile.
 */
import { parseAddress } from '../../core/addresses';
import type { KeyAssessment } from '../../core/wire';
import { BoundedCache, jsonSize } from '../store/bounded-cache';
import { mailboxKey } from '../../core/addresses';
import { lookupKey, type KeyLookupDeps, type KeyLookupOptions } from './lookup';

/** The interface the API calls (src/server/services.ts). */
export interface KeyService {
  lookup(address: string, opts: { signal: AbortSignal }): Promise<KeyAssessment>;
}

export interface KeyServiceOptions extends Omit<KeyLookupOptions, 'signal'> {
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  unknownTtlMs?: number;
  /** Where answers are kept: the backend's store, so that an admin's pin or keyring change can drop them. */
  cache?: KeyVerdictCache;
}

/** The shape of the store's verdict cache (src/server/store), keyed as `mailboxKey` gives addresses. */
export interface KeyVerdictCache {
  get(key: string): Promise<{ value: KeyAssessment; expiresAt: number } | undefined>;
  put(key: string, value: KeyAssessment, expiresAt: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * For a process on its own (the CLI, tests): answers kept in memory, bounded by entries and by their JSON size
 * (a valid answer carries the key, whose size its publisher chooses).
 */
export class MemoryKeyVerdictCache implements KeyVerdictCache {
  private readonly entries = new BoundedCache<string, { value: KeyAssessment; expiresAt: number }>({
    maxEntries: 10_000,
    maxSize: 64 * 1024 * 1024,
    sizeOf: (entry) => jsonSize(entry.value),
  });
  async get(key: string) {
    return this.entries.get(key);
  }
  async put(key: string, value: KeyAssessment, expiresAt: number) {
    this.entries.set(key, { value, expiresAt });
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
}

export const POSITIVE_TTL_MS = 60 * 60 * 1000;
export const NEGATIVE_TTL_MS = 5 * 60 * 1000;
/**
 * A failed lookup is kept only briefly: long enough that a burst of sends to a broken or hostile key directory
 * (one that times out, or a key server that serves an oversize answer: only WKD's is judged `invalid` so far) costs
 * one lookup rather than one per message, short enough
 * that a passing fault clears soon. It is `unknown` either way, which fails closed.
 */
export const UNKNOWN_TTL_MS = 30 * 1000;

export class CachingKeyService implements KeyService {
  private readonly inFlight = new Map<string, Promise<KeyAssessment>>();
  private readonly cache: KeyVerdictCache;

  constructor(
    private readonly deps: KeyLookupDeps,
    private readonly options: KeyServiceOptions,
  ) {
    this.cache = options.cache ?? new MemoryKeyVerdictCache();
  }

  /**
   * Resolves, never rejects, for a well-formed address: a caller that gives up gets `unknown` at once, while the
   * shared lookup runs on under its own deadline for the others and for the cache.
   */
  async lookup(address: string, opts: { signal: AbortSignal }): Promise<KeyAssessment> {
    const normalized = parseAddress(address).address;
    const key = mailboxKey(normalized) as string;
    const cached = await this.cache.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.value;
    let shared = this.inFlight.get(key);
    if (shared === undefined) {
      shared = this.lookupAndCache(key, normalized).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, shared);
    }
    return untilCancelled(shared, opts.signal, normalized);
  }

  /** The sender or an admin accepts `fingerprint` for `address`: it becomes the pin and the cached answer goes. */
  async accept(address: string, fingerprint: string, by: string): Promise<void> {
    const key = mailboxKey(parseAddress(address).address) as string;
    await this.deps.pins.set(key, fingerprint.toUpperCase(), by);
    await this.cache.delete(key);
  }

  private async lookupAndCache(key: string, address: string): Promise<KeyAssessment> {
    const assessment = await lookupKey(address, this.deps, this.options);
    const ttl =
      assessment.verdict === 'valid'
        ? (this.options.positiveTtlMs ?? POSITIVE_TTL_MS)
        : assessment.verdict === 'unknown'
          ? (this.options.unknownTtlMs ?? UNKNOWN_TTL_MS)
          : (this.options.negativeTtlMs ?? NEGATIVE_TTL_MS);
    if (ttl > 0) await this.cache.put(key, assessment, this.now() + ttl);
    return assessment;
  }

  private now(): number {
    return (this.deps.now ?? (() => new Date()))().getTime();
  }
}

function untilCancelled(
  work: Promise<KeyAssessment>,
  signal: AbortSignal,
  address: string,
): Promise<KeyAssessment> {
  const cancelled = (): KeyAssessment => ({
    address,
    verdict: 'unknown',
    reasons: ['the key lookup was cancelled before it finished'],
  });
  if (signal.aborted) return Promise.resolve(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
