/**
 * The on-send decision, shared by Outlook's send handler and Thunderbird's `onBeforeSend`: read the message,
 * ask the backend, plan, and say whether it may go — with the tag to add when forced TLS is the plan — or why
 * not. Fails closed: anything unread or unanswered is a refusal, never an allow. A planned message's decision
 * comes with what to report of it, which the host reports once it has acted on it (decision-report.ts).
 */
import type { DecisionOutcome } from '../core/decisions/record';
import type { Plan } from '../core/plan';
import type { Policy } from '../core/policy/schema';
import { planFor, type PlannedMessage } from './assessment';
import { messageOf } from '../core/errors';
import { needsSignIn, serviceDown, type AssessAnswer, type Backend } from './backend';
import { keptNote, planFromKept, type OutageFallback } from './outage/from-kept';
import { ageInWords } from '../core/policy/duration';
import type { Reportable } from './decision-report';
import { recordFailure } from './failure-log';
import { appliedToExactly, type AppliedRecord } from './protect/applied';
import { allAddresses, readMessage, type MessageReader, type ComposeState } from './read-message';
import { isPgpArmored } from './protect/armor';
import { blockedByUnknownLists } from './lists/unknown-membership';
import { namedWithList } from './lists/via';
import type { ApplicableProtection } from '../core/vocabulary';
import { tagChanges } from './protect/tag';

export type SendDecision =
  | { kind: 'allow'; why: string; changes?: { subject?: string; headers: Record<string, string> } }
  /** `prompt`: the plan refused it, and the policy lets the sender send it anyway after confirming. */
  | { kind: 'block'; text: string; markdown: string; prompt?: boolean }
  /**
   * No answer to go by: `prompt` when the policy lets the sender decide; `signIn` when the add-in had no
   * credentials to send or the service refused them, which the sender (or their administrator) must fix where
   * this host keeps them.
   */
  | { kind: 'unanswered'; text: string; prompt: boolean; signIn: boolean };

/** Outlook cuts longer alert texts off. */
const MAX_MESSAGE = 500;

/** `text` cut to fit, then `suffix` (what the sender can do) whole after `separator`: the advice is never cut off. */
export function clip(text: string, suffix = '', separator = ' '): string {
  const tail = suffix ? `${separator}${suffix}` : '';
  const room = MAX_MESSAGE - tail.length;
  return `${text.length <= room ? text : `${text.slice(0, room - 1)}…`}${tail}`;
}

/** Whether what the pane applied still covers this message: same recipients, a protection each allows, intact. */
function stillProtected(applied: AppliedRecord, plan: Plan, addresses: string[], text: string): boolean {
  if (!appliedToExactly(applied, addresses)) return false;
  if (applied.protection === 'pgp' && !isPgpArmored(text)) return false;
  return plan.recipients.every((r) => r.protection === 'internal' || r.allowed.includes(applied.protection));
}

/** Why the thread raised the message's classification, as a sentence, where it did (thread/floor.ts). */
function threadReason(planned: PlannedMessage): string {
  const { thread } = planned;
  return thread && !thread.lowered ? `${thread.floor.because}.` : '';
}

function refusal(planned: PlannedMessage, policy: Policy, state: ComposeState): SendDecision {
  const { plan } = planned;
  const needing = plan.recipients.filter((r) => r.protection !== 'internal' && r.protection !== 'none');
  const named = namedWithList(state.recipients);
  const lines = needing.map((r) => `${named(r.address)}: ${r.reason}`);
  const fix =
    plan.action === 'block'
      ? 'Remove the recipients named above, or ask your administrator.'
      : 'Open Sendguard to apply the protection, then send again.';
  const summary = [threadReason(planned), plan.summary].filter(Boolean).join(' ');
  return {
    kind: 'block',
    text: clip(`${summary} ${fix} ${lines.join(' ')}`),
    markdown: clip(`**${summary}**\n\n${lines.map((l) => `- ${l}`).join('\n')}\n\n${fix}`),
    ...(policy.onSend.allowOverride ? { prompt: true } : {}),
  };
}

/**
 * The message as read, its policy and its plan, or the decision to give when that could not be reached. A plan made
 * from verdicts kept while the service could not be reached (outage/) says so, and how old the oldest is.
 */
export type SendEvaluation =
  | { kind: 'planned'; state: ComposeState; policy: Policy; planned: PlannedMessage; keptNote?: string }
  | { kind: 'failed'; decision: SendDecision };

export async function readAndEvaluate(host: MessageReader, backend: Backend): Promise<SendEvaluation> {
  let state: ComposeState;
  try {
    state = await readMessage(host);
  } catch (error) {
    recordFailure('reading the message for the send check', error);
    const text = clip(
      `Sendguard could not read this message (${messageOf(error)}), so it cannot tell whether it is protected and did not send it. Try sending again; if this keeps happening, save the draft, close it and open it again.`,
    );
    return { kind: 'failed', decision: { kind: 'block', text, markdown: text } };
  }
  // Both asked at once; the policy alone still tells whether an unanswered check may prompt rather than stop.
  const policyAsked = backend.policy();
  const answerAsked = backend.assess(allAddresses(state.recipients));
  let policy: Policy | undefined;
  let answer: AssessAnswer;
  try {
    policy = (await policyAsked).policy;
    answer = await answerAsked;
  } catch (error) {
    recordFailure('asking the Sendguard service', error);
    // After a failed policy request the assessment's own outcome changes nothing; caught so it cannot surface
    // later as an unhandled rejection.
    answerAsked.catch(() => undefined);
    const text = clip(
      `${messageOf(error)} Sendguard cannot confirm that this message is protected as your organisation requires, so it was not sent.`,
    );
    const signIn = needsSignIn(error);
    // Credentials missing or refused are for the sender to fix, never to send past: both hosts stop then.
    const prompt = !signIn && policy?.onSend.backendUnreachable === 'prompt';
    const unanswered = { kind: 'unanswered', text, prompt, signIn } as const;
    if (backend.outage && serviceDown(error)) return evaluateFromKept(state, backend.outage, unanswered);
    return { kind: 'failed', decision: unanswered };
  }
  let planned: PlannedMessage;
  try {
    planned = planFor({ state, answer, policy });
  } catch (error) {
    // A policy that cannot plan this message (say, a classification chosen under an older policy) stops it.
    recordFailure('planning the message', error);
    const text = clip(`Sendguard could not plan this message: ${messageOf(error)}. Ask your administrator.`);
    return { kind: 'failed', decision: { kind: 'block', text, markdown: text } };
  }
  return { kind: 'planned', state, policy, planned };
}

/** What the plan needs that only the service can give, in words, for the actions kept verdicts cannot serve. */
const NEEDS_SERVICE: Partial<Record<Plan['action'], string>> = {
  pgp: 'OpenPGP',
  escrow: 'secure pickup',
  split: 'a split into several messages',
};

/**
 * While the service cannot be reached: the plan from the verdicts kept (outage/from-kept.ts) when it lets the
 * message go as it is or tagged, else the refusal `unanswered`, saying why the kept verdicts did not serve. The kept
 * policy, when it checked out, says whether the sender may send anyway.
 */
async function evaluateFromKept(
  state: ComposeState,
  fallback: OutageFallback,
  unanswered: Extract<SendDecision, { kind: 'unanswered' }>,
): Promise<SendEvaluation> {
  const kept = await planFromKept(state, fallback);
  const refuse = (why: string, policy: Policy | undefined): SendEvaluation => ({
    kind: 'failed',
    decision: {
      ...unanswered,
      text: clip(`${unanswered.text} Nor could it decide from the verdicts it kept: ${why}.`),
      prompt: unanswered.prompt || policy?.onSend.backendUnreachable === 'prompt',
    },
  });
  if (kept.kind === 'uncovered') return refuse(kept.why, kept.policy);
  const { policy, planned, issuedAt } = kept;
  const { action, summary } = planned.plan;
  const now = (fallback.now ?? Date.now)();
  const ago = `${ageInWords(now - issuedAt)} ago`;
  if (planned.invalid.length > 0 || action === 'block')
    return refuse(`by the verdicts of ${ago} it would be stopped anyway (${summary})`, policy);
  const needs = NEEDS_SERVICE[action];
  if (needs) return refuse(`by the verdicts of ${ago} it needs ${needs}, which needs the service`, policy);
  return { kind: 'planned', state, policy, planned, keptNote: keptNote(issuedAt, now) };
}

/** The decision on a planned message, with what it lets happen and the protection applied when that covers it. */
interface Decided {
  decision: SendDecision;
  outcome: DecisionOutcome;
  applied?: ApplicableProtection;
}

function decide(evaluation: Extract<SendEvaluation, { kind: 'planned' }>): Decided {
  const decided = decidePlanned(evaluation);
  const { keptNote: note } = evaluation;
  if (note === undefined || decided.decision.kind !== 'allow') return decided;
  return { ...decided, decision: { ...decided.decision, why: `${decided.decision.why} ${note}` } };
}

function decidePlanned({ state, policy, planned }: Extract<SendEvaluation, { kind: 'planned' }>): Decided {
  const { plan, addresses } = planned;
  if (planned.invalid.length > 0 || blockedByUnknownLists(state.unknownLists, plan.classification, policy)) {
    // Not an address, or a list nobody can see into: no confirmation tells where the message would go, so the
    // policy's override does not apply.
    const text = clip(plan.summary);
    return { decision: { kind: 'block', text, markdown: text }, outcome: 'blocked' };
  }
  const { applied } = state;
  if (applied && stillProtected(applied, plan, addresses, state.text)) {
    const retag = applied.protection === 'tls' ? { changes: tagChanges(state.subject, policy) } : {};
    const why = `already protected by ${applied.protection}`;
    return { decision: { kind: 'allow', why, ...retag }, outcome: 'protected', applied: applied.protection };
  }
  if (plan.action === 'send') return { decision: { kind: 'allow', why: plan.summary }, outcome: 'allowed' };
  if (plan.action === 'tag') {
    const changes = tagChanges(state.subject, policy);
    return { decision: { kind: 'allow', why: plan.summary, changes }, outcome: 'tagged' };
  }
  return { decision: refusal(planned, policy, state), outcome: 'blocked' };
}

/** A send check's decision and, for a planned message, what to report of it once the host has acted on it. */
export interface CheckedSend {
  decision: SendDecision;
  reportable?: Reportable;
}

/** The decision on the message `host` holds, with what the send handlers report of it (`reportAnswer`). */
export async function checkMessage(host: MessageReader, backend: Backend): Promise<CheckedSend> {
  const evaluation = await readAndEvaluate(host, backend);
  if (evaluation.kind === 'failed') return { decision: evaluation.decision };
  const { decision, outcome, applied } = decide(evaluation);
  const { plan } = evaluation.planned;
  return { decision, reportable: { plan, outcome, ...(applied ? { applied } : {}) } };
}

/** The decision on the message `host` holds, nothing reported (the pane's own checks). */
export async function checkSend(host: MessageReader, backend: Backend): Promise<SendDecision> {
  return (await checkMessage(host, backend)).decision;
}
