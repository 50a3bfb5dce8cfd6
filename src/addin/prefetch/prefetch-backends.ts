/**
 * The two sides of prefetching, each a `Backend` over the real one, so that the shared read-and-plan path
 * (send-check.ts) runs unchanged on both: on compose and recipient changes, a backend that notes the answers it
 * passes on; at send, one that gives the kept answers back instead of asking, while everything else (the decision
 * report) still reaches the service.
 */
import type { PolicyAnswer } from '../../core/evaluate/policy-answer';
import { BackendError, type AssessAnswer, type AssessOptions, type Backend } from '../backend';
import { addressesKey, decidable, type PrefetchedAnswers } from './prefetched-answers';

/** A backend that notes what it answered, and the answers worth keeping for the send check. */
export interface RecordingBackend {
  backend: Backend;
  /** The policy and the send check's kind of assessment it passed on, when both came and agree; else undefined. */
  answers(): PrefetchedAnswers | undefined;
}

/** Only the send check's own question can stand in for it: no reply path, no mailbox access waited for. */
const asSendCheckAsks = (options: AssessOptions | undefined) =>
  options?.sender === undefined && options?.mailboxAccess !== true;

/** `now`: epoch ms, taken when the assessment is asked for. */
export function recordingAnswers(backend: Backend, now: () => number): RecordingBackend {
  let policy: PolicyAnswer | undefined;
  let assessed: Omit<PrefetchedAnswers, 'policy'> | undefined;
  return {
    backend: {
      ...backend,
      policy: () =>
        backend.policy().then((answer) => {
          policy = answer;
          return answer;
        }),
      assess(recipients, options) {
        const at = now();
        const asked = backend.assess(recipients, options);
        if (!asSendCheckAsks(options)) return asked;
        return asked.then((answer) => {
          assessed = { at, addresses: [...recipients], answer };
          return answer;
        });
      },
    },
    answers() {
      if (!policy || !assessed) return undefined;
      const answers = { ...assessed, policy };
      // A partial answer, or one under another policy version, could never decide a send: not kept.
      return decidable(answers) ? answers : undefined;
    },
  };
}

/**
 * The send check's backend from `kept`, found current for the message's addresses: the policy and the assessment
 * without asking. Should the recipients have changed since (the sender edited them while the check read them), the
 * assessment is asked for, and an answer under another policy version than the kept one is refused rather than
 * planned with a policy it was not made for.
 */
export function answeringFrom(kept: PrefetchedAnswers, backend: Backend): Backend {
  return {
    ...backend,
    policy: () => Promise.resolve(kept.policy),
    async assess(recipients, options): Promise<AssessAnswer> {
      if (asSendCheckAsks(options) && addressesKey(recipients) === addressesKey(kept.addresses))
        return kept.answer;
      const answer = await backend.assess(recipients, options);
      if (answer.policyVersion !== kept.policy.version)
        throw new BackendError('BACKEND_BAD_ANSWER', 'the policy changed while this message was checked');
      return answer;
    },
  };
}
