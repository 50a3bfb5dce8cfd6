/**
 * The signed statements an add-in keeps to decide from while the service cannot be reached: the policy it last
 * had and each recipient's verdicts as last handed out, the newest `MAX_KEPT_VERDICTS` of them. Kept in memory and
 * written through to the host's storage (one text per service) so that the next runtime, or the next start of the
 * mail client, has them. Nothing here is trusted as it is read: every statement is checked again where it is used
 * (verify.ts), so a copy that storage damaged, or someone changed, is ignored.
 */
import type { SignedStatement } from '../../core/signed/statement';
import type { AssessAnswer, Backend } from '../backend';
import type { PolicyAnswer } from '../../core/evaluate/policy-answer';
import type { OutageFallback } from './from-kept';

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
  /** Keeps the signed statements of an answer the service gave. */
  keepAnswer(answer: AssessAnswer): void;
  keepPolicy(answer: PolicyAnswer): void;
}

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
  /** Changes `kept` once it is read, then writes it through; a write that fails leaves the memory copy. */
  const change = (update: (kept: KeptStatements) => void) => {
    void read().then((kept) => {
      update(kept);
      const text = JSON.stringify({ policy: kept.policy, verdicts: [...kept.verdicts] });
      return storage.write(text).catch(() => undefined);
    });
  };
  return {
    read,
    keepAnswer({ recipients, signed }) {
      // Signed in the order of the recipients; an answer whose list does not match is not kept.
      if (!signed || signed.length !== recipients.length) return;
      change(({ verdicts }) => {
        recipients.forEach(({ input }, i) => {
          verdicts.delete(input);
          verdicts.set(input, signed[i]!);
        });
        for (const input of verdicts.keys()) {
          if (verdicts.size <= MAX_KEPT_VERDICTS) break;
          verdicts.delete(input);
        }
      });
    },
    keepPolicy({ signed }) {
      if (signed) change((kept) => (kept.policy = signed));
    },
  };
}

/**
 * `backend`, keeping the signed statements of every answer it gives in `fallback.kept`, and offering the send check
 * to decide from them while the service cannot be reached.
 */
export function keepingVerdicts(backend: Backend, fallback: OutageFallback): Backend {
  const { kept } = fallback;
  return {
    ...backend,
    outage: fallback,
    async assess(recipients, options) {
      const answer = await backend.assess(recipients, options);
      kept.keepAnswer(answer);
      return answer;
    },
    async policy() {
      const answer = await backend.policy();
      kept.keepPolicy(answer);
      return answer;
    },
  };
}
