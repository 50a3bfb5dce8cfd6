/**
 * The pane's data, without React: read the compose item, ask the backend, and plan. `loadMessage` does the I/O
 * once per change of recipients or body; `planWith` re-plans from what was loaded whenever the sender picks
 * another classification, without asking the backend again.
 */
import { scan, type Finding } from '../core/detectors';
import type { Policy } from '../core/policy/schema';
import { planFor, type PlannedMessage } from './assessment';
import type { AssessAnswer, Backend } from './backend';
import type { MailHost } from './host';
import { allAddresses, chosenOf, readMessage, type MessageState } from './read-message';

export interface LoadedMessage extends MessageState {
  policy: Policy;
  policyVersion: string;
  answer: AssessAnswer;
  findings: Finding[];
  /** The body was longer than the detectors scan: the sender is told, and the classification cannot be lowered. */
  truncated: boolean;
}

export interface PaneDeps {
  host: MailHost;
  backend: Backend;
}

export async function loadMessage({ host, backend }: PaneDeps): Promise<LoadedMessage> {
  const state = await readMessage(host);
  const [{ policy, version }, answer] = await Promise.all([
    backend.policy(),
    backend.assess(allAddresses(state.recipients)),
  ]);
  const { findings, truncated } = scan(state.text);
  return { ...state, policy, policyVersion: version, answer, findings, truncated };
}

/** The plan for the loaded message under the sender's choice (or, without one, what was chosen before). */
export function planWith(loaded: LoadedMessage, chosen: string | undefined): PlannedMessage {
  const choice = chosen ?? chosenOf(loaded);
  return planFor({
    answer: loaded.answer,
    recipients: loaded.recipients,
    policy: loaded.policy,
    findings: loaded.findings,
    ...(choice !== undefined ? { chosen: choice } : {}),
    ...(loaded.label ? { label: loaded.label } : {}),
  });
}
