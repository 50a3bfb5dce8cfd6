/** What the policy administration routes answer (the contract, issue 21: "Policy"). */
import type { PreviewFigures } from '../../core/decisions/replay';
import type { MessageAction } from '../../core/vocabulary';

export interface PolicyHistoryEntry {
  /** The saved version's number (`GET /admin/policy/versions/:revision` answers its text). */
  revision: number;
  version: string;
  savedBy: string;
  savedAt: string;
  note?: string;
}

/** `GET /admin/policy`: the running policy, where it came from, and the versions saved before (newest first). */
export interface RunningPolicy {
  /** The saved version's number, 0 for the configuration file: what a save names as its base. */
  revision: number;
  version: string;
  text: string;
  source: 'file' | 'console';
  savedBy?: string;
  savedAt?: string;
  note?: string;
  history: PolicyHistoryEntry[];
}

export interface PolicyProblem {
  message: string;
  path?: string;
  line?: number;
  column?: number;
}

/** `POST /admin/policy/check`, and the body of a 400 to a save. */
export interface PolicyCheck {
  valid: boolean;
  version?: string;
  errors: PolicyProblem[];
}

/** `POST /admin/policy/preview`: the decision records replayed under the running policy and the edited one. */
export type PolicyPreview = PreviewFigures;

/** `PUT /admin/policy`: the saved version, and the settings that only a restart applies, if any. */
export interface PolicySaved {
  version: string;
  restartNeeded?: string[];
}

/** Every message action, in the order the preview lists them, with what an admin reads for each. */
export const ACTION_NAMES: Readonly<Record<MessageAction, string>> = {
  send: 'Plain mail',
  tag: 'Forced TLS',
  pgp: 'OpenPGP',
  escrow: 'Secure pickup',
  split: 'Split into groups',
  block: 'Blocked',
};
