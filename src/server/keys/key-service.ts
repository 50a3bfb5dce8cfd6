/**
 * The key lookups the API serves: `lookupKey` behind a cache (valid keys kept for an hour, refusals and absences
 * for five minutes so a newly published key shows up soon, `unknown` for thirty seconds) and with one lookup in flight
 * per address, shared by every caller asking meanwhile.
 */
import { addressKey, parseAddress } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import type { KeyAssessment } from '../../core/wire';
import { untilAborted } from '../net/until-aborted';
import type { KeyAcceptance, KeyService, LookupOptions } from '../services';
import { canonicalMailboxKey } from '../../core/mailbox-key';
import { SingleFlight } from '../../core/single-flight';
import type { ChangedKeys } from '../store/changed-keys';
import type { CacheEntry, Pin, VerdictCache } from '../store/store';
import { WritesInOrder } from '../store/writes-in-order';
import { asPinned } from './decide';
import { lookupKey, type KeyLookupDeps, type KeyLookupOptions } from './lookup';
import { pinKey } from './pins';

interface KeyServiceOptions extends Omit<KeyLookupOptions, 'signal'> {
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  unknownTtlMs?: number;
  /** Where answers are kept: the backend's store, so that an admin's pin or keyring change can drop them. */
  cache: VerdictCache<KeyAssessment>;
  /** Told when a finished answer could not be kept (the database failed); its callers get the answer anyway. */
  onCacheWriteError?: (error: unknown, address: string) => void;
  /**
   * Where changed keys wait for a decision (the admin's Keys page): noted when a lookup finds one, decided when
   * it is pinned here (accepted by a sender or an admin, or pinned outright by an admin).
   */
  changedKeys?: Pick<ChangedKeys, 'note' | 'decide'>;
  /** Told when a changed key could not be noted or decided; the lookup or acceptance stands anyway. */
  onChangedKeyError?: (error: unknown, address: string) => void;
}

const POSITIVE_TTL_MS = 60 * 60 * 1000;
const NEGATIVE_TTL_MS = 5 * 60 * 1000;
/**
 * A failed lookup is kept only briefly: long enough that a burst of sends to a broken or hostile key directory
 * (one that times out or answers with an error) costs one lookup rather than one per message, short enough that a
 * passing fault clears soon. It is `unknown` either way, which fails closed.
 */
const UNKNOWN_TTL_MS = 30 * 1000;

/** The real `KeyService`. */
export class CachingKeyService implements KeyService {
  private readonly inFlight = new SingleFlight<KeyAssessment>();
  private readonly changedKeyWrites = new WritesInOrder();
  private readonly cache: VerdictCache<KeyAssessment>;
  private readonly clock: Clock;

  constructor(
    private readonly deps: KeyLookupDeps,
    private readonly options: KeyServiceOptions,
  ) {
    this.cache = options.cache;
    this.clock = deps.clock ?? systemClock;
  }

  /**
   * Resolves, never rejects, for a well-formed address: a caller that gives up gets `unknown` at once, while the
   * shared lookup runs on under its own deadline for the others and for the cache.
   */
  async lookup(address: string, opts: LookupOptions): Promise<KeyAssessment> {
    // The send path asks for every recipient of every message, mostly of answers kept. Callers hand over parsed
    // addresses, whose comparison form needs no second parse; one not in normal form is parsed, then looked up.
    const quick = canonicalMailboxKey(address);
    const kept = quick === undefined ? undefined : (this.kept(quick) ?? (await this.fresh(quick)));
    if (kept) return kept;
    const normalized = parseAddress(address).address;
    const key = canonicalMailboxKey(normalized) as string;
    const cached = key === quick ? undefined : await this.fresh(key);
    if (cached) return cached;
    const shared = this.inFlight.run(key, () => this.lookupAndCache(key, normalized));
    return untilAborted(shared, opts.signal, () => ({
      address: normalized,
      verdict: 'unknown',
      reasons: ['the key lookup was cancelled before it finished'],
    }));
  }

  /** The answer for `key` held in memory while it is fresh, without waiting on the store. */
  kept(key: string): KeyAssessment | undefined {
    return this.unexpired(this.cache.peek?.(key));
  }

  /** The kept answer for `key` while it is fresh. */
  private async fresh(key: string): Promise<KeyAssessment | undefined> {
    return this.unexpired(await this.cache.get(key));
  }

  private unexpired(entry: CacheEntry<KeyAssessment> | undefined): KeyAssessment | undefined {
    return entry !== undefined && entry.expiresAt > this.clock.now() ? entry.value : undefined;
  }

  async accept(
    address: string,
    fingerprint: string,
    by: string,
    opts: LookupOptions,
  ): Promise<KeyAcceptance> {
    const key = addressKey(address);
    // Afresh: the cached answer is what the sender was shown, not what the key directories publish now.
    await this.cache.delete(key);
    const found = await this.lookup(address, opts);
    const usable = found.verdict === 'valid' || found.verdict === 'changed';
    if (!usable || found.fingerprint !== fingerprint) return { accepted: false, found };
    await this.pin(key, fingerprint, by);
    // The answer every later lookup gives, derived rather than looked up again: a second lookup could run out
    // of the caller's deadline and turn a stored pin into a refusal.
    const accepted = asPinned(found, by);
    await this.remember(key, accepted);
    return { accepted: true, key: accepted };
  }

  /**
   * Pins `fingerprint` for `address`; its cached verdict, made without the pin, is dropped, and the changed key it
   * was, if a lookup noted one, is decided: accepted `by` whoever pinned it (a sender, or an admin).
   */
  async pin(address: string, fingerprint: string, by: string): Promise<Pin> {
    const key = addressKey(address);
    const pin = await pinKey(this.deps.pins, { address: key, fingerprint, acceptedBy: by }, this.clock);
    await this.cache.delete(key);
    await this.onChangedKeys(key, (changed) =>
      changed.decide(key, fingerprint, { decision: 'accepted', by, at: this.clock.now() }),
    );
    return pin;
  }

  async forget(addresses: readonly string[]): Promise<void> {
    await Promise.all(addresses.map((address) => this.cache.delete(addressKey(address))));
  }

  private async lookupAndCache(key: string, address: string): Promise<KeyAssessment> {
    const assessment = await lookupKey(address, this.deps, this.options);
    await this.remember(key, assessment);
    // Not waited for: the admin's bookkeeping must not hold the lookup past its deadline.
    if (assessment.verdict === 'changed') void this.noteChanged(key, assessment);
    return assessment;
  }

  private noteChanged(key: string, { fingerprint, pinnedFingerprint, source, reasons }: KeyAssessment) {
    if (fingerprint === undefined || pinnedFingerprint === undefined) return Promise.resolve();
    const seenAt = this.clock.now();
    return this.onChangedKeys(key, (changed) =>
      changed.note({
        address: key,
        pinnedFingerprint,
        fingerprint,
        ...(source ? { source } : {}),
        reasons,
        seenAt,
      }),
    );
  }

  /**
   * Runs `write` on the changed keys, if kept, after the address's writes started before it (a key noted, then
   * decided); a failure is reported, never the lookup's or acceptance's.
   */
  private onChangedKeys(
    key: string,
    write: (changed: NonNullable<KeyServiceOptions['changedKeys']>) => Promise<unknown>,
  ): Promise<void> {
    const changed = this.options.changedKeys;
    if (changed === undefined) return Promise.resolve();
    return this.changedKeyWrites.start(key, async () => {
      try {
        await write(changed);
      } catch (error) {
        this.options.onChangedKeyError?.(error, key);
      }
    });
  }

  /**
   * Keeps `assessment` for its verdict's TTL. A failed write is reported, not thrown: the lookup is done (and a pin
   * it made is stored), and throwing would fail it for every caller sharing it; the next one to ask looks up again.
   */
  private async remember(key: string, assessment: KeyAssessment): Promise<void> {
    const ttl =
      assessment.verdict === 'valid'
        ? (this.options.positiveTtlMs ?? POSITIVE_TTL_MS)
        : assessment.verdict === 'unknown'
          ? (this.options.unknownTtlMs ?? UNKNOWN_TTL_MS)
          : (this.options.negativeTtlMs ?? NEGATIVE_TTL_MS);
    if (ttl <= 0) return;
    try {
      await this.cache.put(key, assessment, this.clock.now() + ttl);
    } catch (error) {
      this.options.onCacheWriteError?.(error, key);
    }
  }
}
