/**
 * The policy in force and the policy as `GET /api/v1/policy` serves it. In force: the policy file's at first, or the
 * newest version an admin saved through the API (which wins over the file at start, and replaces the running one
 * on every node when saved). Served: a compliance key given by fingerprint only is filled in from the organisation
 * keyring uploaded through the API, so that the add-in can encrypt to it, and `escrow.maxMessageBytes` is this
 * service's own limit on a secure message, so that the pane can name a message too large for it before splitting
 * or uploading. Worked out at start, again when the policy is replaced, and when the keyring adds or removes the
 * compliance key — through this node's API or, on a shared database, another node's — not on every request (every
 * send reads it).
 */
import type { Policy } from '../../core/policy/schema';
import type { ChangeFeed, KeyringStore } from '../store/store';
import { policyVersion } from './policy';

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

  private constructor(
    running: RunningPolicy,
    private readonly keyring: KeyringStore,
    private readonly escrowMaxMessageBytes: number,
    /** The newest saved version, read again when another node saved one or changes may have been missed. */
    private readonly latest: () => Promise<RunningPolicy | undefined>,
  ) {
    this.state = { running, served: this.withLimits(running.policy) };
  }

  /**
   * `escrowMaxMessageBytes`: the escrow configuration's `maxMessageBytes`, the ciphertext one message may hold.
   * `latest`: the newest saved version, if any (none by default: the policy file stays in force).
   */
  static async load(
    running: RunningPolicy,
    keyring: KeyringStore,
    escrowMaxMessageBytes: number,
    latest: () => Promise<RunningPolicy | undefined> = async () => undefined,
  ): Promise<ServedPolicy> {
    const served = new ServedPolicy(running, keyring, escrowMaxMessageBytes, latest);
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

  /** Puts `next` in force, unless a later saved version is in force already (a replacement heard late). */
  replace(next: RunningPolicy): Promise<void> {
    return this.queue(async () => {
      if (next.seq > this.state.running.seq) await this.fill(next);
    });
  }

  /** After the keyring added, replaced or removed the key `fingerprint`: recomputed if it is the compliance key. */
  async keyringChanged(fingerprint: string): Promise<void> {
    if (fingerprint === this.running.policy.complianceKey?.fingerprint) await this.recompute();
  }

  /**
   * Follows other nodes' saved versions and keyring changes, and reads both again after the feed may have missed
   * some; returns the function that stops. A failed read goes to `onError` (what is in force stays as it was
   * until the next change).
   */
  follow(changes: ChangeFeed, onError: (error: unknown) => void): () => void {
    return changes.subscribe(
      (change) => {
        if (change.cache === 'keyring') this.keyringChanged(change.key).catch(onError);
        if (change.cache === 'policy') this.reload().catch(onError);
      },
      () => this.reload().catch(onError),
    );
  }

  /** The newest saved version put in force if it is newer, and the compliance key read again either way. */
  private reload(): Promise<void> {
    return this.queue(async () => {
      const newest = await this.latest();
      await this.fill(newest && newest.seq > this.state.running.seq ? newest : this.state.running);
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

  /** `running` in force, served with the limits and the compliance key from the keyring. */
  private async fill(running: RunningPolicy): Promise<void> {
    const served = this.withLimits(running.policy);
    const compliance = served.complianceKey;
    const entry =
      compliance !== undefined && compliance.armoredKey === undefined
        ? await this.keyring.get(compliance.fingerprint)
        : undefined;
    this.state = {
      running,
      served: entry ? { ...served, complianceKey: { ...compliance!, armoredKey: entry.armoredKey } } : served,
    };
  }
}
