/**
 * The policy as `GET /api/v1/policy` serves it: a compliance key given by fingerprint only is filled in from the
 * organisation keyring uploaded through the API, so that the add-in can encrypt to it, and `escrow.maxMessageBytes`
 * is this service's own limit on a secure message, so that the pane can name a message too large for it before
 * splitting or uploading. Worked out once at start and again only when the keyring adds or removes the compliance
 * key — through this node's API or, on a shared database, another node's — not on every request (every send reads
 * it).
 */
import type { Policy } from '../../core/policy/schema';
import type { ChangeFeed, KeyringStore } from '../store/store';

export class ServedPolicy {
  private served: Policy;
  /** Recomputations run one after another, so an older keyring read never lands after a newer one. */
  private recomputed: Promise<void> = Promise.resolve();

  /** The configured policy with the service's escrow limit: what is served before any compliance key is filled in. */
  private readonly policy: Policy;

  private constructor(
    configured: Policy,
    private readonly keyring: KeyringStore,
    escrowMaxMessageBytes: number,
  ) {
    this.policy = {
      ...configured,
      escrow: { ...configured.escrow, maxMessageBytes: escrowMaxMessageBytes },
    };
    this.served = this.policy;
  }

  /** `escrowMaxMessageBytes`: the escrow configuration's `maxMessageBytes`, the ciphertext one message may hold. */
  static async load(
    policy: Policy,
    keyring: KeyringStore,
    escrowMaxMessageBytes: number,
  ): Promise<ServedPolicy> {
    const served = new ServedPolicy(policy, keyring, escrowMaxMessageBytes);
    await served.recompute();
    return served;
  }

  get current(): Policy {
    return this.served;
  }

  /** The compliance key the policy names by fingerprint but neither it nor the keyring holds, if any. */
  get missingComplianceKey(): string | undefined {
    const compliance = this.served.complianceKey;
    return compliance !== undefined && compliance.armoredKey === undefined
      ? compliance.fingerprint
      : undefined;
  }

  /** After the keyring added, replaced or removed the key `fingerprint`: recomputed if it is the compliance key. */
  async keyringChanged(fingerprint: string): Promise<void> {
    if (fingerprint === this.policy.complianceKey?.fingerprint) await this.recompute();
  }

  /**
   * Recomputes after other nodes' keyring changes too, and after the feed may have missed some; returns the
   * function that stops. A failed recomputation goes to `onError` (the served policy stays as it was until the
   * next change).
   */
  follow(changes: ChangeFeed, onError: (error: unknown) => void): () => void {
    return changes.subscribe(
      (change) => {
        if (change.cache === 'keyring') this.keyringChanged(change.key).catch(onError);
      },
      () => this.recompute().catch(onError),
    );
  }

  /** A failed keyring read fails its own caller only: the next recomputation still runs. */
  private recompute(): Promise<void> {
    const next = () => this.fillComplianceKey();
    this.recomputed = this.recomputed.then(next, next);
    return this.recomputed;
  }

  private async fillComplianceKey(): Promise<void> {
    const compliance = this.policy.complianceKey;
    if (compliance === undefined || compliance.armoredKey !== undefined) return;
    const entry = await this.keyring.get(compliance.fingerprint);
    this.served = entry
      ? { ...this.policy, complianceKey: { ...compliance, armoredKey: entry.armoredKey } }
      : this.policy;
  }
}
