/**
 * The policy in force and the policy as `GET /api/v1/policy` serves it. In force: the policy file's at first, or the
 * newest version an admin saved through the API (which wins over the file at start, and replaces the running one
 * on every node when saved). Served: a compliance key given by fingerprint only is filled in from the organisation
 * keyring uploaded through the API, so that the add-in can encrypt to it, and `escrow.maxMessageBytes` is this
 * service's own limit on a secure message, so that the pane can name a message too large for it before splitting
 * or uploading. Worked out at start, again when the policy is replaced, and when the keyring adds or removes the
 * compliance key — through this node's API or, on a shared database, another node's — not on every request (every
 * send reads it).
 *
 * A policy put in force is in force at once, before the keyring is asked for its compliance key: a keyring that
 * does not answer leaves it served without the key (or with the one served so far, when it names the same), as when
 * the keyring lacks it, rather than leaving the older policy in force. A failed read (the keyring, or the newest
 * saved version after another node's save) is told to the follower and everything is read again after a delay that
 * doubles up to a bound, until a read succeeds or the following stops.
 */
import type { Policy } from '../../core/policy/schema';
import type { ChangeFeed, KeyringStore } from '../store/store';
import { policyVersion } from './policy';

/** How long after a failed read everything is read again: `firstMs`, doubling after each failure up to `maxMs`. */
export const RELOAD_RETRY: Readonly<{ firstMs: number; maxMs: number }> = { firstMs: 500, maxMs: 30_000 };

/** The follower of the change feed: told of failed reads, and the pending read again. */
interface Follower {
  onError: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
  delayMs: number;
}

/** The policy in force, with where it came from. */
export interface RunningPolicy {
  /** As the file or the saved text gives it. */
  policy: Policy;
  /** `policyVersion(policy)`: what `/assess` reports, so clients can tell when their copy is stale. */
  version: string;
  /** The policy's text, comments and all. */
  text: string;
  source: 'file' | 'console';
  /** The saved version's number; 0 for the policy file. */
  seq: number;
  savedBy?: string;
  savedAt?: string;
  note?: string;
}

/** The policy file's policy as the one in force (until a saved version replaces it). */
export function policyFromFile(policy: Policy, text: string): RunningPolicy {
  return { policy, version: policyVersion(policy), text, source: 'file', seq: 0 };
}

/** What is in force and what is served from it, replaced together. */
interface State {
  running: RunningPolicy;
  served: Policy;
}

export class ServedPolicy {
  private state: State;
  /** Replacements and recomputations run one after another, so an older read never lands after a newer one. */
  private recomputed: Promise<void> = Promise.resolve();
  private follower: Follower | undefined;

  private constructor(
    running: RunningPolicy,
    private readonly keyring: KeyringStore,
    private readonly escrowMaxMessageBytes: number,
    /** The newest saved version, read again when another node saved one or changes may have been missed. */
    private readonly latest: () => Promise<RunningPolicy | undefined>,
    private readonly retry: typeof RELOAD_RETRY,
  ) {
    this.state = { running, served: this.withLimits(running.policy) };
  }

  /**
   * `escrowMaxMessageBytes`: the escrow configuration's `maxMessageBytes`, the ciphertext one message may hold.
   * `latest`: the newest saved version, if any (none by default: the policy file stays in force).
   * `retry`: when a failed read is tried again (RELOAD_RETRY; tests give shorter delays).
   */
  static async load(
    running: RunningPolicy,
    keyring: KeyringStore,
    escrowMaxMessageBytes: number,
    latest: () => Promise<RunningPolicy | undefined> = async () => undefined,
    retry: typeof RELOAD_RETRY = RELOAD_RETRY,
  ): Promise<ServedPolicy> {
    const served = new ServedPolicy(running, keyring, escrowMaxMessageBytes, latest, retry);
    await served.recompute();
    return served;
  }

  /** The policy as served to clients. */
  get current(): Policy {
    return this.state.served;
  }

  get running(): RunningPolicy {
    return this.state.running;
  }

  get version(): string {
    return this.state.running.version;
  }

  /** Resolves once the replacements and recomputations started so far have landed. */
  settled(): Promise<void> {
    return this.recomputed.catch(() => undefined);
  }

  /** The compliance key the policy names by fingerprint but neither it nor the keyring holds, if any. */
  get missingComplianceKey(): string | undefined {
    const compliance = this.current.complianceKey;
    return compliance !== undefined && compliance.armoredKey === undefined
      ? compliance.fingerprint
      : undefined;
  }

  /**
   * Puts `next` in force, unless a later saved version is in force already (a replacement heard late). While the
   * feed is followed, a keyring that does not answer fails the follower, not this call: `next` is in force anyway.
   */
  replace(next: RunningPolicy): Promise<void> {
    return this.orRetry(() =>
      this.queue(async () => {
        if (next.seq > this.state.running.seq) await this.fill(next);
      }),
    );
  }

  /** After the keyring added, replaced or removed the key `fingerprint`: recomputed if it is the compliance key. */
  async keyringChanged(fingerprint: string): Promise<void> {
    if (fingerprint === this.running.policy.complianceKey?.fingerprint)
      await this.orRetry(() => this.recompute());
  }

  /**
   * Follows other nodes' saved versions and keyring changes, and reads both again after the feed may have missed
   * some; returns the function that stops (and cancels a pending read again). A failed read goes to `onError`, and
   * everything is read again after RELOAD_RETRY's delay, until a read succeeds.
   */
  follow(changes: ChangeFeed, onError: (error: unknown) => void): () => void {
    const follower: Follower = { onError, delayMs: this.retry.firstMs };
    this.follower = follower;
    const stopListening = changes.subscribe(
      (change) => {
        if (change.cache === 'keyring') void this.keyringChanged(change.key);
        if (change.cache === 'policy') void this.orRetry(() => this.reload());
      },
      () => void this.orRetry(() => this.reload()),
    );
    return () => {
      stopListening();
      clearTimeout(follower.timer);
      if (this.follower === follower) this.follower = undefined;
    };
  }

  /**
   * Runs `step`; while the feed is followed its failure goes to the follower and everything is read again later,
   * otherwise to the caller.
   */
  private async orRetry(step: () => Promise<void>): Promise<void> {
    const follower = this.follower;
    try {
      await step();
    } catch (error) {
      if (follower === undefined) throw error;
      follower.onError(error);
      if (this.follower === follower) this.reloadLater(follower);
    }
  }

  /** One read again pending at a time, after the follower's delay, which doubles up to its bound each time. */
  private reloadLater(follower: Follower): void {
    if (follower.timer !== undefined) return;
    follower.timer = setTimeout(() => {
      follower.timer = undefined;
      void this.orRetry(() => this.reload());
    }, follower.delayMs);
    follower.delayMs = Math.min(2 * follower.delayMs, this.retry.maxMs);
  }

  /**
   * The newest saved version put in force if it is newer, and the compliance key read again either way; once that
   * succeeds, the next failure is read again after the first delay.
   */
  private reload(): Promise<void> {
    return this.queue(async () => {
      const newest = await this.latest();
      await this.fill(newest && newest.seq > this.state.running.seq ? newest : this.state.running);
      if (this.follower) this.follower.delayMs = this.retry.firstMs;
    });
  }

  private recompute(): Promise<void> {
    return this.queue(() => this.fill(this.state.running));
  }

  /** A failed step fails its own caller only: the next one still runs. */
  private queue(step: () => Promise<void>): Promise<void> {
    this.recomputed = this.recomputed.then(step, step);
    return this.recomputed;
  }

  private withLimits(policy: Policy): Policy {
    return { ...policy, escrow: { ...policy.escrow, maxMessageBytes: this.escrowMaxMessageBytes } };
  }

  /**
   * `running` in force at once, served with the limits; then with the compliance key from the keyring. Until the
   * keyring answers it is served with the key served so far when that is the same key, else without it.
   */
  private async fill(running: RunningPolicy): Promise<void> {
    const served = this.withLimits(running.policy);
    const compliance = served.complianceKey;
    if (compliance === undefined || compliance.armoredKey !== undefined) {
      this.state = { running, served };
      return;
    }
    const held = this.state.served.complianceKey;
    const kept = held?.fingerprint === compliance.fingerprint && held.armoredKey !== undefined;
    this.state = { running, served: kept ? { ...served, complianceKey: held } : served };
    const entry = await this.keyring.get(compliance.fingerprint);
    this.state = {
      running,
      served: entry ? { ...served, complianceKey: { ...compliance, armoredKey: entry.armoredKey } } : served,
    };
  }
}
