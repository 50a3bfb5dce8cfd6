/**
 * The key verdict for an address from what every source said, in precedence order: organisation keyring >
 * pinned > WKD > DNS > VKS. Pure: no I/O, so every rule below is one test.
 *
 * - The organisation's valid key wins outright: the admin vouches for it, so pins do not apply.
 * - Otherwise a valid key equal to the pin wins (`valid`, source `pinned`), wherever it was found; a different
 *   valid key is `changed` until accepted; with no pin, the highest valid key is `valid` and is pinned.
 * - A lower source's valid key is used even when a higher one failed: each source binds the key to the address
 *   by itself (WKD by the domain's web PKI, DNS by DNSSEC, VKS by its mail check), and a pin catches a swap.
 *   The failure is still reported among the reasons.
 * - Without a valid key, any failure makes the verdict `unknown`: the source that failed may hold the key.
 *   Then `invalid` (a key was found but refused) outranks `none`.
 */
import type { KeyAssessment } from '../../core/wire';
import type { Pin } from '../store/store';
import { checkPin } from './pins';
import type { SourceResult } from './source-result';

interface Decision {
  assessment: KeyAssessment;
  /** The fingerprint to pin on first use, when this lookup found the address's first valid key. */
  pinFirstUse?: string;
}

const MAX_REASONS = 50;
const MAX_REASON_LENGTH = 500;

type Valid = Extract<SourceResult, { status: 'valid' }>;

export function decide(address: string, results: SourceResult[], pin: Pin | undefined): Decision {
  const valid = results.filter((result): result is Valid => result.status === 'valid');
  const org = valid.find((result) => result.source === 'org');
  if (org !== undefined) return { assessment: fromValid(address, 'valid', org, results) };
  const pinned = valid.find((result) => checkPin(pin, result.key) === 'matches');
  if (pin !== undefined && pinned !== undefined) {
    const note = pinnedNote(pin.acceptedBy);
    return { assessment: fromValid(address, 'valid', { ...pinned, source: 'pinned' }, results, note) };
  }
  const [best] = valid;
  if (best !== undefined && pin !== undefined) {
    const note =
      `the key differs from the pinned key ${pin.fingerprint} (pinned by ${pin.acceptedBy}): ` +
      'the sender must confirm the new key before it is used';
    const assessment = fromValid(address, 'changed', best, results, note);
    return { assessment: { ...assessment, pinnedFingerprint: pin.fingerprint } };
  }
  if (best !== undefined) {
    return { assessment: fromValid(address, 'valid', best, results), pinFirstUse: best.key.fingerprint };
  }
  return { assessment: withoutValidKey(address, results, pin) };
}

/**
 * What `decide` says about `found`, a usable key, once its fingerprint is pinned `by` someone: `valid` from the
 * pin, unless the organisation's key, which pins do not touch. A pin note of `found` (the first reason, as
 * `fromValid` puts it) gives way to the new one.
 */
export function asPinned(found: KeyAssessment, by: string): KeyAssessment {
  if (found.source === 'org') return found;
  const { pinnedFingerprint, ...key } = found;
  const hadPinNote = pinnedFingerprint !== undefined || found.source === 'pinned';
  const reasons = hadPinNote ? found.reasons.slice(1) : found.reasons;
  return { ...key, verdict: 'valid', source: 'pinned', reasons: bounded([pinnedNote(by), ...reasons]) };
}

function pinnedNote(acceptedBy: string): string {
  return `the key is the one pinned (by ${acceptedBy})`;
}

function fromValid(
  address: string,
  verdict: 'valid' | 'changed',
  chosen: Valid,
  results: SourceResult[],
  note?: string,
): KeyAssessment {
  const failures = results.filter((result) => result.status === 'failed').flatMap((result) => result.reasons);
  return {
    address,
    verdict,
    source: chosen.source,
    fingerprint: chosen.key.fingerprint,
    expires: chosen.key.expires,
    algorithm: chosen.key.algorithm,
    reasons: bounded([...(note === undefined ? [] : [note]), ...chosen.reasons, ...failures]),
    armoredKey: chosen.key.armoredKey,
  };
}

function withoutValidKey(address: string, results: SourceResult[], pin: Pin | undefined): KeyAssessment {
  const all = results.flatMap((result) => result.reasons);
  const pinNote = pin === undefined ? [] : [`the pinned key ${pin.fingerprint} was not found valid anywhere`];
  if (results.some((result) => result.status === 'failed')) {
    return { address, verdict: 'unknown', reasons: bounded([...all, ...pinNote]) };
  }
  const invalid = results.find((result) => result.status === 'invalid');
  if (invalid !== undefined) {
    return {
      address,
      verdict: 'invalid',
      source: invalid.source,
      ...(invalid.fingerprint === undefined ? {} : { fingerprint: invalid.fingerprint }),
      // The refusal first: it is what the sender needs to read.
      reasons: bounded([
        ...invalid.reasons,
        ...all.filter((reason) => !invalid.reasons.includes(reason)),
        ...pinNote,
      ]),
    };
  }
  return { address, verdict: 'none', reasons: bounded([...all, ...pinNote]) };
}

/** KeyAssessment's limits: hostile key material must not make the answer too large to send. */
function bounded(reasons: string[]): string[] {
  return reasons
    .slice(0, MAX_REASONS)
    .map((reason) =>
      reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason,
    );
}
