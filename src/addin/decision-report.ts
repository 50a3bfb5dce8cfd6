/**
 * What a send check tells the service once it has decided: the plan's facts per recipient (verdicts, not content)
 * and what it let happen, for the admin's overview and the policy preview. Never the subject, the body or an
 * attachment's name. The send waits for the report a second at most and goes on whatever became of it: reporting
 * is bookkeeping, never a reason to hold or stop mail. Types only from the report's schema module (zod stays out
 * of the send handler's bundle).
 */
import type { DecisionHost, DecisionOutcome, DecisionReport } from '../core/decisions/record';
import { DECISION_LIMITS } from '../core/decisions/limits';
import type { Plan } from '../core/plan';
import type { ApplicableProtection } from '../core/vocabulary';
import { REPORT_DEADLINE_MS, type Backend } from './backend';

/**
 * The report of `plan` with `outcome`; `applied` is the protection the pane applied when that is what covers the
 * message, which every external recipient then gets. None for a plan the service would refuse to record (no
 * recipient, or more than a report may name).
 */
export function decisionReport(
  host: DecisionHost,
  plan: Plan,
  outcome: DecisionOutcome,
  applied?: ApplicableProtection,
): DecisionReport | undefined {
  const { recipients } = plan;
  if (recipients.length === 0 || recipients.length > DECISION_LIMITS.recipientsMax) return undefined;
  return {
    host,
    classification: plan.classification,
    action: plan.action,
    outcome,
    // The passcode is the pane's alone; the send check plans without one, and reports what it planned with.
    passcodeSet: false,
    recipients: recipients.map((r) => ({
      address: r.address,
      internal: r.internal,
      ...(r.internal ? {} : { transport: r.transport }),
      key: r.key.verdict,
      ...(r.key.source ? { keySource: r.key.source } : {}),
      ...(r.signIn ? { signIn: r.signIn.provider } : {}),
      protection: applied && !r.internal ? applied : r.protection,
    })),
  };
}

/** Sends `report` and waits for it `capMs` at most; resolves whatever the backend does, hanging or failing. */
export async function reportWithin(
  backend: Backend,
  report: DecisionReport | undefined,
  capMs = REPORT_DEADLINE_MS,
): Promise<void> {
  if (!report || !backend.reportDecision) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, capMs);
  });
  try {
    // Called inside a promise, so that even a backend throwing at once only loses its report.
    const sent = Promise.resolve()
      .then(() => backend.reportDecision?.(report))
      .catch(() => undefined);
    await Promise.race([sent, cap]);
  } finally {
    // In Outlook's send handler a timer left running past `event.completed` has let blocked mail go out.
    clearTimeout(timer);
  }
}
