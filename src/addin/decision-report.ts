/**
 * What a send check tells the service once the host has acted on its decision: the plan's facts per recipient
 * (verdicts, not content) and what finally became of the message, for the admin's overview and the policy preview.
 * Never the subject, the body or an attachment's name. Both hosts report through `reportAnswer`, after the tag is
 * written or the sender's "send anyway" is known, so the outcome is what happened, not what was meant. The send
 * waits for the report a second at most, and never past the send budget: reporting is bookkeeping, never a reason
 * to hold or stop mail. Types only from the report's schema module (zod stays out of the send handler's bundle).
 */
import type { Clock } from '../core/clock';
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

/** What the check decided of a planned message, kept until the host has acted on the decision. */
export interface Reportable {
  plan: Plan;
  /** What the decision let happen, if the host carries it out as given. */
  outcome: DecisionOutcome;
  applied?: ApplicableProtection;
}

/**
 * What the host finally did: let the message go (as decided, or because the sender chose to send it anyway),
 * stopped it, or stopped it with an offer to send it anyway whose answer the host never tells (Outlook's SoftBlock).
 */
export type HostAnswer = 'sent' | 'stopped' | 'offered';

/** The outcome to record: the one decided when the host carried it out, else what the host did instead. */
function finalOutcome(decided: DecisionOutcome, answer: HostAnswer): DecisionOutcome {
  if (answer === 'offered') return 'prompted';
  if (answer === 'stopped') return 'blocked';
  // Sent although the check stopped it: only the sender's "send anyway" does that.
  return decided === 'blocked' || decided === 'prompted' ? 'overridden' : decided;
}

/**
 * Outlook tells the sender the check is "taking longer" at five seconds from its start: the check and its report
 * together stay within this, measured from the handler's start.
 */
const SEND_BUDGET_MS = 4500;

/** When the send check began (`clock.monotonic()`), and the clock measuring what is left of the budget. */
export interface SendBudget {
  startedAt: number;
  clock: Clock;
  /** The whole budget, `SEND_BUDGET_MS` unless given (a send decided from prefetched answers has less). */
  totalMs?: number;
}

/** How long the report may hold the send: a second at most, and no longer than the budget has left. */
function reportCap({ startedAt, clock, totalMs = SEND_BUDGET_MS }: SendBudget): number {
  return Math.min(REPORT_DEADLINE_MS, totalMs - (clock.monotonic() - startedAt));
}

/**
 * The one report both hosts make once their answer is final: none for a message that was never planned, nor when
 * the budget has nothing left.
 */
export async function reportAnswer(
  backend: Backend,
  host: DecisionHost,
  reportable: Reportable | undefined,
  answer: HostAnswer,
  budget: SendBudget,
): Promise<void> {
  if (!reportable) return;
  const capMs = reportCap(budget);
  if (capMs <= 0) return;
  const { plan, outcome, applied } = reportable;
  await reportWithin(backend, decisionReport(host, plan, finalOutcome(outcome, answer), applied), capMs);
}

/** Sends `report` and waits for it `capMs` at most; resolves whatever the backend does, hanging or failing. */
async function reportWithin(
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
      .then(() => backend.reportDecision?.(report, capMs))
      .catch(() => undefined);
    await Promise.race([sent, cap]);
  } finally {
    // In Outlook's send handler a timer left running past `event.completed` has let blocked mail go out.
    clearTimeout(timer);
  }
}
