/**
 * The plan for a message from what the add-in kept (kept-store.ts) when the service cannot be reached: the policy
 * it last had and each recipient's verdicts, every one checked against the deployment's verdict key (verify.ts),
 * under that policy's version, and younger than its `outage.maxVerdictAge`. A recipient with no such verdict
 * leaves the message uncovered, and the send check then stops it as it would without them.
 */
import { checkAnswerCovers, readRecipient } from '../../core/evaluate/answer';
import { readPolicyAnswer, type PolicyAnswer } from '../../core/evaluate/policy-answer';
import { messageOf } from '../../core/errors';
import { ageInWords, durationMs } from '../../core/policy/duration';
import type { Policy } from '../../core/policy/schema';
import { SIGNED_LIMITS, type SignedStatement, type VerdictTrust } from '../../core/signed/statement';
import type { AssessAnswer, AssessedRecipient } from '../../core/wire';
import type { HostRecipients } from '../host';
import { planFor, type PlannedMessage } from '../assessment';
import { allAddresses, type ComposeState } from '../read-message';
import type { KeptVerdicts } from './kept-store';
import { verifiedStatement } from './verify';

/** What the send check decides from when the service cannot be reached. */
export interface OutageFallback {
  kept: KeptVerdicts;
  trust: VerdictTrust;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

/** What the kept statements say of a message's recipients: an answer as the service would give it, and its policy. */
export type KeptAnswer =
  | { kind: 'answered'; policy: Policy; answer: AssessAnswer; issuedAt: number }
  /** `policy`: the kept one, when it checked out, which still says whether the sender may send anyway. */
  | { kind: 'uncovered'; why: string; policy?: Policy };

export type KeptPlan =
  | { kind: 'planned'; policy: Policy; planned: PlannedMessage; issuedAt: number }
  | Extract<KeptAnswer, { kind: 'uncovered' }>;

/** Why a message was planned from kept verdicts, for the sender: "Decided from verdicts of 3 hours ago: …". */
export function keptNote(issuedAt: number, now: number): string {
  return `Decided from verdicts of ${ageInWords(now - issuedAt)} ago: the Sendguard service could not be reached.`;
}

/** A verdict signed a little ahead of this machine's clock is the service's clock running ahead, not a future one. */
const CLOCK_SKEW_MS = 5 * 60_000;

function keptPolicy(signed: SignedStatement | undefined, trust: VerdictTrust): PolicyAnswer | undefined {
  const fields = signed && verifiedStatement(signed, trust, SIGNED_LIMITS.policyPayloadMax);
  if (fields?.kind !== 'policy') return undefined;
  try {
    return readPolicyAnswer(fields);
  } catch {
    return undefined;
  }
}

/** A kept verdict, when it checks out: about `input`, under `policyVersion`; with when it was handed out. */
function keptVerdict(
  signed: SignedStatement | undefined,
  input: string,
  policyVersion: string,
  trust: VerdictTrust,
): { recipient: AssessedRecipient; issuedAt: number } | undefined {
  const fields = signed && verifiedStatement(signed, trust, SIGNED_LIMITS.verdictPayloadMax);
  if (fields?.kind !== 'verdict' || fields.policyVersion !== policyVersion) return undefined;
  const issuedAt = typeof fields.issuedAt === 'string' ? Date.parse(fields.issuedAt) : NaN;
  if (Number.isNaN(issuedAt)) return undefined;
  try {
    const recipient = readRecipient(fields.recipient, 0);
    return recipient.input === input ? { recipient, issuedAt } : undefined;
  } catch {
    return undefined;
  }
}

const listed = (inputs: string[]) =>
  inputs.length <= 3 ? inputs.join(', ') : `${inputs.slice(0, 3).join(', ')} and ${inputs.length - 3} more`;

/**
 * The answer the kept statements give for `recipients`: every one covered by a verdict that checks out, under the
 * kept policy's version and younger than its `outage.maxVerdictAge`, or why not.
 */
export async function answerFromKept(
  recipients: HostRecipients,
  fallback: OutageFallback,
): Promise<KeptAnswer> {
  const now = (fallback.now ?? Date.now)();
  const kept = await fallback.kept.read();
  const policyAnswer = keptPolicy(kept.policy, fallback.trust);
  if (!policyAnswer)
    return { kind: 'uncovered', why: 'this add-in has kept no policy signed by the service' };
  const { policy, version } = policyAnswer;
  const maxAgeMs = durationMs(policy.outage.maxVerdictAge);
  const uncovered = (why: string): KeptAnswer => ({ kind: 'uncovered', why, policy });
  if (maxAgeMs === 0)
    return uncovered('your organisation’s policy does not let it decide from earlier verdicts');
  const asked = allAddresses(recipients);
  const assessed: AssessedRecipient[] = [];
  const missing: string[] = [];
  const stale: string[] = [];
  /** Dated ahead of this computer's clock by more than clocks differ: how old they are cannot be told. */
  const ahead: string[] = [];
  let oldest = now;
  for (const input of asked) {
    const verdict = keptVerdict(kept.verdicts.get(input), input, version, fallback.trust);
    if (!verdict) missing.push(input);
    else if (verdict.issuedAt > now + CLOCK_SKEW_MS) ahead.push(input);
    else if (now - verdict.issuedAt > maxAgeMs) stale.push(input);
    else {
      assessed.push(verdict.recipient);
      oldest = Math.min(oldest, verdict.issuedAt);
    }
  }
  if (missing.length > 0) return uncovered(`it has no verdicts it can trust for ${listed(missing)}`);
  if (stale.length > 0)
    return uncovered(`the verdicts it kept for ${listed(stale)} are older than ${ageInWords(maxAgeMs)}`);
  if (ahead.length > 0)
    return uncovered(`the verdicts it kept for ${listed(ahead)} are dated ahead of this computer’s clock`);
  const answer = { policyVersion: version, partial: false, recipients: assessed, invalid: [] };
  try {
    checkAnswerCovers(answer, asked);
  } catch (error) {
    return uncovered(`the verdicts it kept do not fit this message (${messageOf(error)})`);
  }
  return { kind: 'answered', policy, answer, issuedAt: oldest };
}

/** The plan for the message `state` from the kept statements, or why there is none. */
export async function planFromKept(state: ComposeState, fallback: OutageFallback): Promise<KeptPlan> {
  const kept = await answerFromKept(state.recipients, fallback);
  if (kept.kind === 'uncovered') return kept;
  const { policy, answer, issuedAt } = kept;
  try {
    return { kind: 'planned', policy, planned: planFor({ state, answer, policy }), issuedAt };
  } catch (error) {
    return {
      kind: 'uncovered',
      why: `the verdicts it kept cannot be planned from (${messageOf(error)})`,
      policy,
    };
  }
}
