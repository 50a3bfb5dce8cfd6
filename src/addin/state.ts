/**
 * The pane's data, without React: read the compose item, ask the backend, and plan. `loadMessage` does the I/O
 * once per change of recipients or body; `planWith` re-plans from what was loaded whenever the sender picks
 * another classification, without asking the backend again.
 */
import { scan, type Finding } from '../core/detectors';
import type { Policy } from '../core/policy/schema';
import { planFor, type PlannedMessage } from './assessment';
import type { AssessAnswer, Backend } from './backend';
import type { HostRecipients, MailHost } from './host';
import { APPLIED_HEADER, parseApplied, type AppliedRecord } from './protect/applied';

export interface LoadedMessage {
  recipients: HostRecipients;
  policy: Policy;
  policyVersion: string;
  answer: AssessAnswer;
  findings: Finding[];
  /** The body was longer than the detectors scan: the sender is told, and the classification cannot be lowered. */
  truncated: boolean;
  label?: string;
  applied?: AppliedRecord;
}

export interface PaneDeps {
  host: MailHost;
  backend: Backend;
}

export async function loadMessage({ host, backend }: PaneDeps): Promise<LoadedMessage> {
  const [recipients, text, label, header] = await Promise.all([
    host.getRecipients(),
    host.getBody('text'),
    host.getSensitivityLabel ? host.getSensitivityLabel() : Promise.resolve(undefined),
    host.getHeader(APPLIED_HEADER).catch(() => undefined),
  ]);
  const addresses = [
    ...new Set([...recipients.to, ...recipients.cc, ...recipients.bcc].map((r) => r.address)),
  ];
  const [{ policy, version }, answer] = await Promise.all([backend.policy(), backend.assess(addresses)]);
  const { findings, truncated } = scan(text);
  const applied = parseApplied(header);
  return {
    recipients,
    policy,
    policyVersion: version,
    answer,
    findings,
    truncated,
    ...(label ? { label } : {}),
    ...(applied ? { applied } : {}),
  };
}

/** The plan for the loaded message under the sender's choice (or, without one, what was applied before). */
export function planWith(loaded: LoadedMessage, chosen: string | undefined): PlannedMessage {
  const choice = chosen ?? loaded.applied?.classification;
  return planFor({
    answer: loaded.answer,
    recipients: loaded.recipients,
    policy: loaded.policy,
    findings: loaded.findings,
    ...(choice !== undefined ? { chosen: choice } : {}),
    ...(loaded.label ? { label: loaded.label } : {}),
  });
}
