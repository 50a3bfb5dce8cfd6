/**
 * A policy version saved: kept in the store under the next number, then put in force on this node (the others
 * hear of it through the change feed). Optimistic: the caller names the revision its edit started from (the saved
 * version's number, 0 for the policy file), and a save made on top of another is refused (POLICY_CHANGED), also
 * when another node saved first. The revision, not the policy's version: a save that changes only comments, or
 * returns to an earlier policy, has the version of one before it and is still another admin's text.
 */
import type { Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
import type { Policy } from '../../core/policy/schema';
import type { RunningPolicy, ServedPolicy } from '../api/served-policy';
import { policyVersion } from '../api/policy';
import type { PolicyVersionStore, SavedPolicy } from '../store/store';
import { policyFromSaved } from './running';

export interface SaveDeps {
  versions: PolicyVersionStore;
  servedPolicy: ServedPolicy;
  clock: Clock;
}

interface NewVersion {
  text: string;
  /** `text`, parsed. */
  policy: Policy;
  savedBy: string;
  note?: string;
}

function policyChanged(): SendguardError {
  return new SendguardError(
    'POLICY_CHANGED',
    'the policy was changed since this edit started: load the policy in force and make the change again',
  );
}

/**
 * Saves `next` over the policy in force, which must still be revision `baseRevision` (the override routes give the
 * revision of the text in force they edited); returns it as in force.
 */
export async function saveVersion(
  deps: SaveDeps,
  next: NewVersion,
  baseRevision: number,
): Promise<RunningPolicy> {
  // A version another process saved, just heard of, lands first: the edit is judged against it.
  await deps.servedPolicy.settled();
  const running = deps.servedPolicy.running;
  if (baseRevision !== running.seq) throw policyChanged();
  const saved: SavedPolicy = {
    seq: running.seq + 1,
    version: policyVersion(next.policy),
    text: next.text,
    savedBy: next.savedBy,
    savedAt: new Date(deps.clock.now()).toISOString(),
    ...(next.note !== undefined ? { note: next.note } : {}),
  };
  if (!(await deps.versions.save(saved))) throw policyChanged();
  const inForce = policyFromSaved(saved, next.policy);
  await deps.servedPolicy.replace(inForce);
  return inForce;
}
