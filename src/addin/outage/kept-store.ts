/**
 * The signed statements an add-in keeps to decide from while the service cannot be reached: the policy it last
 * had and each recipient's verdicts as last handed out, the newest `MAX_KEPT_VERDICTS` of them. Kept in memory and
 * written through to the host's storage (one text per service) so that the next runtime, or the next start of the
 * mail client, has them. Nothing here is trusted as it is read: every statement is checked again where it is used
 * (verify.ts), so a copy that storage damaged, or someone changed, is ignored.
 */
import type { SignedStatement, VerdictTrust } from '../../core/signed/statement';
import type { AssessAnswer, Backend } from '../backend';
import type { PolicyAnswer } from '../../core/evaluate/policy-answer';
import type { OutageFallback } from './from-kept';
import { keptVerdictsKey } from './kept-text';
import { hasVerdictKey } from './verify';
import { within } from '../within';

/** How long an answer waits for its statements to be written through; storage answers in milliseconds. */
const KEEP_WAIT_MS = 250;

/** Enough for a sender's usual correspondents; about 1 KiB each in storage. */
export const MAX_KEPT_VERDICTS = 500;

/** One text kept by the host (Office's runtime storage, a page's localStorage, Thunderbird's storage.local). */
export interface KeptText {
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
}

export interface KeptStatements {
  policy?: SignedStatement;
  /** The kept verdict of each recipient as the mail client listed it, oldest first. */
  verdicts: Map<string, SignedStatement>;
}

export interface KeptVerdicts {
  /** What is kept, read from the host's storage the first time. */
  read(): Promise<KeptStatements>;
  /**
   * Keeps the signed statements of an answer the service gave; settles once they are written through, and never
   * rejects (a write that fails leaves them kept in memory only).
   */
  keepAnswer(answer: AssessAnswer): Promise<void>;
  keepPolicy(answer: PolicyAnswer): Promise<void>;
}

const sameStatement = (a: SignedStatement | undefined, b: SignedStatement) =>
  a?.payload === b.payload && a.signature === b.signature;

const isStatement = (value: unknown): value is SignedStatement =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as SignedStatement).payload === 'string' &&
  typeof (value as SignedStatement).signature === 'string';

/** What the storage's text holds (at most the newest MAX_KEPT_VERDICTS); anything unreadable is nothing kept. */
export function parseKept(text: string | undefined): KeptStatements {
  const kept: KeptStatements = { verdicts: new Map() };
  try {
    const stored = JSON.parse(text ?? 'null') as { policy?: unknown; verdicts?: unknown } | null;
    if (isStatement(stored?.policy)) kept.policy = stored.policy;
    const verdicts = Array.isArray(stored?.verdicts) ? (stored.verdicts as unknown[]) : [];
    for (const entry of verdicts.slice(-MAX_KEPT_VERDICTS)) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && isStatement(entry[1]))
        kept.verdicts.set(entry[0], entry[1]);
    }
  } catch {
    // Damaged or from another version: nothing kept.
  }
  return kept;
}

export function keptVerdicts(storage: KeptText): KeptVerdicts {
  let loaded: Promise<KeptStatements> | undefined;
  const read = () => (loaded ??= storage.read().then(parseKept, () => parseKept(undefined)));
  /**
   * Changes `kept` once it is read, then writes it through unless `update` found nothing new (the policy, up to
   * megabytes, comes back the same on every send); a write that fails leaves the memory copy.
   */
  const change = async (update: (kept: KeptStatements) => boolean) => {
    const kept = await read();
    if (!update(kept)) return;
    const text = JSON.stringify({ policy: kept.policy, verdicts: [...kept.verdicts] });
    await storage.write(text).catch(() => undefined);
  };
  return {
    read,
    async keepAnswer({ recipients, signed }) {
      // Signed in the order of the recipients; an answer whose list does not match is not kept.
      if (!signed || signed.length !== recipients.length) return;
      await change(({ verdicts }) => {
        // Only the order changes when every statement is kept already: that reaches storage with the next write.
        const changed = recipients.some(({ input }, i) => !sameStatement(verdicts.get(input), signed[i]!));
        recipients.forEach(({ input }, i) => {
          verdicts.delete(input);
          verdicts.set(input, signed[i]!);
        });
        for (const input of verdicts.keys()) {
          if (verdicts.size <= MAX_KEPT_VERDICTS) break;
          verdicts.delete(input);
        }
        return changed;
      });
    },
    async keepPolicy({ signed }) {
      if (!signed) return;
      await change((kept) => {
        if (sameStatement(kept.policy, signed)) return false;
        kept.policy = signed;
        return true;
      });
    },
  };
}

/**
 * `backend`, keeping the signed statements of every answer it gives in `fallback.kept`, and offering the send check
 * to decide from them while the service cannot be reached. Each answer is given once its statements are written
 * through: classic Outlook may end the send handler's runtime as soon as the event completes.
 */
export function keepingVerdicts(backend: Backend, fallback: OutageFallback): Backend {
  const { kept } = fallback;
  // A host's storage that hangs must not hold the answer, and with it the send, for longer than this.
  const keeping = (work: Promise<void>) =>
    within(KEEP_WAIT_MS, work, () => new Error('keeping verdicts took too long')).catch(() => undefined);
  return {
    ...backend,
    outage: fallback,
    async assess(recipients, options) {
      const answer = await backend.assess(recipients, options);
      await keeping(kept.keepAnswer(answer));
      return answer;
    },
    async policy() {
      const answer = await backend.policy();
      await keeping(kept.keepPolicy(answer));
      return answer;
    },
  };
}

/**
 * `backend` keeping signed verdicts in the host's `textFor(key)` under `backendUrl`, where `trust` holds a key to
 * check them with (without one nothing kept could be trusted); else `backend` as it is.
 */
export function withKeptVerdicts(
  backend: Backend,
  backendUrl: string,
  trust: VerdictTrust,
  textFor: (key: string) => KeptText,
): Backend {
  if (!hasVerdictKey(trust)) return backend;
  const kept = keptVerdicts(textFor(keptVerdictsKey(backendUrl)));
  return keepingVerdicts(backend, { kept, trust });
}
