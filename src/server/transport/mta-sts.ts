/**
 * MTA-STS (RFC 8461) as the rest of Sendguard sees it: `getStsPolicy` looks up the `_mta-sts` record, fetches
 * and caches the policy, and answers with a status, never an error. A cached policy outlives a failed refresh
 * (§5.1, §10.2), so an attacker who blocks DNS or HTTPS cannot turn `enforce` into "no policy".
 */
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { messageOf, SendguardError } from '../../core/errors';
import { BoundedCache, jsonSize } from '../store/bounded-cache';
import type { VerdictCache } from '../store/store';
import { fetchStsPolicy, StsFetchError, type StsFetchDeps } from './mta-sts-fetch';
import { parseStsRecord, StsPolicyError, type StsPolicy, type TxtRecordStatus } from './mta-sts-parse';
import type { TlsRptResultType } from './tls-rpt';

export type TxtAnswer =
  { status: 'answer'; records: string[][]; ttl: number } | { status: 'nxdomain' | 'nodata' };
/** Resolves a TXT name; throws when DNS fails (SERVFAIL, time-out), which is not the same as no record. */
type LookupTxt = (name: string) => Promise<TxtAnswer>;

export interface StsCacheEntry {
  policy: StsPolicy;
  id: string;
  /** Milliseconds since the epoch, by the injected clock. */
  fetchedAt: number;
  expiresAt: number;
}

/** Where policies are kept between checks, keyed by lower-case A-label domain. */
export interface StsCache {
  get(domain: string): Promise<StsCacheEntry | undefined>;
  set(domain: string, entry: StsCacheEntry): Promise<void>;
}

/**
 * Policies held in memory. A domain chooses its policy's size (up to 64 KiB of mx lines) and anyone may make us
 * fetch one, so the cache is bounded by entries and by the policies' total size; the least recently used go first.
 */
export class MemoryStsCache implements StsCache {
  private readonly entries: BoundedCache<string, StsCacheEntry>;

  constructor(limits: { maxEntries?: number; maxSize?: number } = {}) {
    this.entries = new BoundedCache<string, StsCacheEntry>({
      maxEntries: limits.maxEntries ?? 10_000,
      maxSize: limits.maxSize ?? 16 * 1024 * 1024,
      sizeOf: jsonSize,
    });
  }

  async get(domain: string): Promise<StsCacheEntry | undefined> {
    return this.entries.get(domain);
  }

  async set(domain: string, entry: StsCacheEntry): Promise<void> {
    this.entries.set(domain, entry);
  }
}

/**
 * Policies kept in the service's store (`stsPolicies`), until their max_age ends: shared by every node and kept over
 * a restart, so a policy fetched once protects every later check (§5.1) even while its host is unreachable.
 */
export function storedStsCache(policies: VerdictCache<StsCacheEntry>): StsCache {
  return {
    get: async (domain) => (await policies.get(domain))?.value,
    set: (domain, entry) => policies.put(domain, entry, entry.expiresAt),
  };
}

export interface StsDeps extends StsFetchDeps {
  lookupTxt: LookupTxt;
  /** The process's policies, made once by whoever builds the checks (serve.ts, the CLI) and passed in. */
  cache: StsCache;
  /** Wall time: a policy's max_age is compared with it. */
  clock?: Clock;
}

interface StsFailure {
  code: string;
  /** Short enough to show a sender. */
  reason: string;
  resultType: TlsRptResultType;
}

export type StsStatus =
  | { state: 'none'; reason: string }
  | {
      state: 'policy';
      policy: StsPolicy;
      id: string;
      fromCache: boolean;
      /** ISO 8601. */
      fetchedAt: string;
      expiresAt: string;
      /** Set when a refresh failed and the unexpired cached policy was kept instead. */
      refreshFailure?: StsFailure;
    }
  | ({ state: 'failed' } & StsFailure);

/**
 * The MTA-STS status of `domain`; throws DomainError only when `domain` is not a domain name at all. Concurrent
 * callers are not merged here: its one caller, the transport service, runs one check per domain at a time.
 */
export function getStsPolicy(domain: string, deps: StsDeps): Promise<StsStatus> {
  return resolveStsPolicy(normalizeDomain(domain), deps);
}

async function resolveStsPolicy(domain: string, deps: StsDeps): Promise<StsStatus> {
  const { cache } = deps;
  const clock = deps.clock ?? systemClock;
  const cached = await cache.get(domain);
  const live = cached !== undefined && cached.expiresAt > clock.now() ? cached : undefined;
  let answer: TxtAnswer;
  try {
    answer = await deps.lookupTxt(`_mta-sts.${domain}`);
  } catch (error) {
    return keepOrFail(live, dnsFailure(domain, error));
  }
  const record: TxtRecordStatus<{ id: string }> =
    answer.status === 'answer' ? parseStsRecord(answer.records) : { status: 'none' };
  if (record.status !== 'record')
    return live ? fromCache(live) : { state: 'none', reason: noRecordReason(record) };
  if (live?.id === record.id) return fromCache(live);
  try {
    const policy = await fetchStsPolicy(domain, deps);
    const fetchedAt = clock.now();
    const entry = { policy, id: record.id, fetchedAt, expiresAt: fetchedAt + policy.maxAge * 1000 };
    await cache.set(domain, entry);
    return { ...describeEntry(entry), fromCache: false };
  } catch (error) {
    if (!(error instanceof SendguardError)) throw error;
    return keepOrFail(live, { code: error.code, reason: error.message, resultType: resultTypeOf(error) });
  }
}

function keepOrFail(live: StsCacheEntry | undefined, failure: StsFailure): StsStatus {
  return live ? fromCache(live, failure) : { state: 'failed', ...failure };
}

function fromCache(entry: StsCacheEntry, refreshFailure?: StsFailure): StsStatus {
  return { ...describeEntry(entry), fromCache: true, ...(refreshFailure && { refreshFailure }) };
}

function describeEntry(entry: StsCacheEntry) {
  return {
    state: 'policy' as const,
    policy: entry.policy,
    id: entry.id,
    fetchedAt: new Date(entry.fetchedAt).toISOString(),
    expiresAt: new Date(entry.expiresAt).toISOString(),
  };
}

function dnsFailure(domain: string, error: unknown): StsFailure {
  const detail = messageOf(error);
  return {
    code: 'STS_DNS_FAILED',
    reason: `looking up _mta-sts.${domain} failed: ${detail}`,
    resultType: 'sts-policy-fetch-error',
  };
}

function noRecordReason(record: Exclude<TxtRecordStatus<{ id: string }>, { status: 'record' }>): string {
  switch (record.status) {
    case 'none':
      return 'the domain publishes no MTA-STS record';
    case 'multiple':
      return `the domain publishes ${record.count} MTA-STS records, which RFC 8461 §3.1 treats as none`;
    case 'invalid':
      return `the MTA-STS record is invalid: ${record.reason}`;
  }
}

/** RFC 8460 §4.3.2.2: a policy that arrived but is wrong is "invalid"; one that never arrived is a fetch error. */
function resultTypeOf(error: SendguardError): TlsRptResultType {
  if (error instanceof StsPolicyError) return 'sts-policy-invalid';
  if (!(error instanceof StsFetchError)) return 'sts-policy-fetch-error';
  switch (error.code) {
    case 'STS_CERT_INVALID':
      return 'sts-webpki-invalid';
    case 'STS_WRONG_CONTENT_TYPE':
    case 'STS_POLICY_TOO_LARGE':
      return 'sts-policy-invalid';
    case 'STS_FETCH_FAILED':
    case 'STS_HTTP_STATUS':
      return 'sts-policy-fetch-error';
  }
}
