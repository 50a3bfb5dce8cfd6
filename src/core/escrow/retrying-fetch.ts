/**
 * Sending a request again when it may not have reached the service or its answer was lost. Behind a load
 * balancer a node can die with a request in flight: the connection drops, or the balancer answers 502, 503 or
 * 504; the same URL sent again reaches the same node or a live one. Only for requests that may be repeated: an
 * upload part (the server appends only at its exact offset) and finalize (the same keys and sizes again are
 * answered as done).
 */
import { EscrowHttpError, type FetchAnswer, type FetchLike } from './http';

export interface RetryPolicy {
  /** Tries of one request, the first included. */
  attempts: number;
  /** The wait before the first retry; each further retry waits twice as long as the one before. */
  firstWaitMs: number;
  /** A request not answered by then is abandoned and counts as lost. */
  timeoutMs: number;
  /** Runs `task` once, `ms` from now; returns what cancels it. Injected, so that tests pass the time by hand. */
  after: (ms: number, task: () => void) => () => void;
}

export const DEFAULT_RETRY: RetryPolicy = {
  // Waits of 0.5, 1, 2 and 4 s: longer than a balancer takes to notice a dead node and send elsewhere.
  attempts: 5,
  firstWaitMs: 500,
  // A 1 MiB part over a slow uplink (1 Mbit/s) takes about 8 s; a minute without an answer is a lost request.
  timeoutMs: 60_000,
  after: (ms, task) => {
    const timer = setTimeout(task, ms);
    return () => clearTimeout(timer);
  },
};

/** What a balancer answers when the node it chose gave no answer, or no node was there to choose. */
const GATEWAY_STATUSES = new Set([502, 503, 504]);

type Outcome = { answer: FetchAnswer } | { lost: unknown };

/** One try within the policy's time: its answer, or why none came (a network error, the time-out). */
function tryOnce(policy: RetryPolicy, send: (signal: AbortSignal) => Promise<FetchAnswer>): Promise<Outcome> {
  const controller = new AbortController();
  let cancel: () => void = () => undefined;
  const timedOut = new Promise<Outcome>((resolve) => {
    cancel = policy.after(policy.timeoutMs, () => {
      controller.abort();
      resolve({ lost: new EscrowHttpError('ESCROW_TIMEOUT', `no answer in ${policy.timeoutMs} ms`, 0) });
    });
  });
  const sent = send(controller.signal).then(
    (answer): Outcome => ({ answer }),
    (lost: unknown): Outcome => ({ lost }),
  );
  return Promise.race([sent, timedOut]).finally(cancel);
}

/**
 * `fetch`, with each request tried up to `policy.attempts` times while it is lost or answered by a balancer
 * standing in for a node. The last such answer is returned as it is; when no answer came at all, the error says
 * the service could not be reached.
 */
export function retryingFetch(fetch: FetchLike, policy: RetryPolicy): FetchLike {
  return async (url, init) => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await tryOnce(policy, (signal) => fetch(url, { ...init, signal }));
      const answer = 'answer' in outcome ? outcome.answer : undefined;
      if (answer && !GATEWAY_STATUSES.has(answer.status)) return answer;
      if (attempt >= policy.attempts) {
        if (answer) return answer;
        throw new EscrowHttpError(
          'ESCROW_UNREACHABLE',
          `the secure message service could not be reached (${attempt} tries); check the connection and try again`,
          0,
          { cause: 'lost' in outcome ? outcome.lost : undefined },
        );
      }
      await new Promise<void>((resolve) => policy.after(policy.firstWaitMs * 2 ** (attempt - 1), resolve));
    }
  };
}
