/**
 * Which policy is in force: the newest version saved through the API, else the policy file's. The file is the
 * starting point: once an admin saves a version, that version stays in force over the file, restart or not.
 */
import { stringify } from 'yaml';
import { SendguardError } from '../../core/errors';
import { parsePolicy, PolicyError } from '../../core/policy/parse';
import type { Policy } from '../../core/policy/schema';
import { policyVersion } from '../api/policy';
import { policyFromFile, type RunningPolicy } from '../api/served-policy';
import type { PolicyVersionStore, SavedPolicy } from '../store/store';

/** A saved version as the policy in force; `policy` when its text was parsed already. */
export function policyFromSaved(saved: SavedPolicy, policy: Policy = parsePolicy(saved.text)): RunningPolicy {
  return {
    policy,
    version: policyVersion(policy),
    text: saved.text,
    source: 'console',
    seq: saved.seq,
    savedBy: saved.savedBy,
    savedAt: saved.savedAt,
    ...(saved.note !== undefined ? { note: saved.note } : {}),
  };
}

/**
 * The newest saved version as the policy in force, if any. One this release cannot read (a newer release saved
 * it) is refused, naming it, rather than passed over for an older one: the service fails to start, or a running
 * node keeps the version it has.
 */
export async function newestSaved(versions: PolicyVersionStore): Promise<RunningPolicy | undefined> {
  const saved = await versions.latest();
  if (saved === undefined) return undefined;
  try {
    return policyFromSaved(saved);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    throw new SendguardError(
      'POLICY_SAVED_INVALID',
      `policy version ${saved.seq}, saved through the API by ${saved.savedBy} at ${saved.savedAt}, is not valid for this release of Sendguard: ${error.message}`,
      { cause: error },
    );
  }
}

/**
 * The policy in force at start: the newest saved version, else the file's policy (`text` as the file holds it; a
 * policy given as an object, as tests and embedders give it, is shown as its YAML).
 */
export async function policyInForce(
  versions: PolicyVersionStore,
  file: { policy: Policy; text?: string },
): Promise<RunningPolicy> {
  return (await newestSaved(versions)) ?? policyFromFile(file.policy, file.text ?? stringify(file.policy));
}

/** How the log names the policy in force. */
export function policyInForceLog(running: RunningPolicy): Record<string, unknown> {
  const { source, version, seq, savedBy, savedAt } = running;
  return source === 'file' ? { source, version } : { source, version, seq, savedBy, savedAt };
}
