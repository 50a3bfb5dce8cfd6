/**
 * What the automatic checks on compose and on recipient changes keep for the send check (Outlook's send event
 * shows "taking longer" at five seconds, its own download included, and cannot sign anyone in): the policy and the
 * service's assessment of exactly the addresses the message had then, and when they were asked for. The send check
 * plans from them — with the body, classification and labels it reads at send time — only while they are current:
 * the same addresses, one policy version on both, a final answer, asked less than `PREFETCH_MAX_AGE_MS` ago.
 * Otherwise it asks the service as it always did. Never the plan itself, and never a token: a plan is made anew
 * from what the message holds when it is sent, and tokens stay in the runtime's memory.
 *
 * Kept as one JSON text where the runtime does not outlive the event (the item's session data), read back through
 * the same readers as the service's answers, under a length cap: what comes back is never trusted more than what
 * the service sent. Written without runtime dependencies: the send handler bundles this file.
 */
import { checkAssessAnswer } from '../../core/evaluate/answer';
import { AnswerError } from '../../core/evaluate/fields';
import { readPolicyAnswer, type PolicyAnswer } from '../../core/evaluate/policy-answer';
import type { AssessAnswer } from '../../core/wire';
import { KEPT_ASSESSMENT_MS } from '../assessment-age';

/**
 * The pane already shows an assessment this old as current (kept-assessments.ts), so the send check agrees with
 * what the sender last saw; it is far below how long the service itself keeps a domain's report (its DNS and
 * MTA-STS lifetimes, hours), so little that could have changed is missed, and a key the sender had to accept, or a
 * policy the admin changed, is seen by a message sent ten minutes after its last recipient change at the latest.
 */
export const PREFETCH_MAX_AGE_MS = KEPT_ASSESSMENT_MS;

/**
 * The longest kept text: Outlook keeps at most 50,000 characters of session data per add-in and item (clients
 * before Mailbox 1.16); a longer one (a very large policy, many recipients) is kept in the runtime's memory only.
 */
export const MAX_KEPT_CHARS = 49_000;

export interface PrefetchedAnswers {
  /** Epoch ms when the assessment was asked for: its age counts from the question, not the answer. */
  at: number;
  /** The distinct address strings the host listed, as asked. */
  addresses: string[];
  policy: PolicyAnswer;
  answer: AssessAnswer;
}

/** One key for a set of addresses, whatever their order or repetition in the host's fields. */
export function addressesKey(addresses: readonly string[]): string {
  return [...new Set(addresses)].sort().join('\n');
}

/** Whether `kept` could ever decide a send: an answer made under the policy kept beside it, and final. */
export function decidable(kept: PrefetchedAnswers): boolean {
  return kept.answer.policyVersion === kept.policy.version && !kept.answer.partial;
}

/**
 * Whether `kept` may decide a send to `addresses` at `now`: the same addresses, an answer made under the policy
 * kept beside it, final, and asked less than `maxAgeMs` ago (a clock set back since then counts as too old).
 */
export function currentFor(
  kept: PrefetchedAnswers,
  addresses: readonly string[],
  now: number,
  maxAgeMs = PREFETCH_MAX_AGE_MS,
): boolean {
  const age = now - kept.at;
  return (
    addressesKey(kept.addresses) === addressesKey(addresses) && decidable(kept) && age >= 0 && age < maxAgeMs
  );
}

/** The text to keep, or undefined when it is longer than the item can hold. */
export function keptText(prefetched: PrefetchedAnswers): string | undefined {
  const text = JSON.stringify(prefetched);
  return text.length <= MAX_KEPT_CHARS ? text : undefined;
}

/**
 * A kept text read back as the service's answers are read: undefined when it is too long, not JSON, or not what
 * `keptText` writes (the readers refuse it), so that a damaged or foreign value only means the service is asked.
 */
export function readKept(text: string): PrefetchedAnswers | undefined {
  if (text.length > MAX_KEPT_CHARS) return undefined;
  try {
    const { at, addresses, policy, answer } = (JSON.parse(text) ?? {}) as Record<string, unknown>;
    if (typeof at !== 'number' || !Number.isFinite(at)) return undefined;
    if (!Array.isArray(addresses) || !addresses.every((a) => typeof a === 'string')) return undefined;
    const asked = addresses as string[];
    return {
      at,
      addresses: asked,
      policy: readPolicyAnswer(policy),
      answer: checkAssessAnswer(answer, asked),
    };
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof AnswerError) return undefined;
    throw error;
  }
}
