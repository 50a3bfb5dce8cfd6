/**
 * What one key source says about one address, after its answer was read and judged: the shape every source's
 * composing function returns and `decide` ranks. `failed` (no answer in time, resolver failure) is kept apart from
 * `none` (the source answered that it has nothing), because only `none` lets a lower source's silence mean "no key".
 */
import type { KeySource } from '../../core/vocabulary';
import type { KeyDocument } from './key-http';
import { KeyReadError, readKeyBlock } from './key-read';
import type { PublicKey } from './openpgp';
import { validateKey, type KeyRules, type UsableKey } from './validate';
import { messageOf } from '../../core/errors';

export type SourceResult =
  | { source: KeySource; status: 'valid'; key: UsableKey; reasons: string[] }
  | { source: KeySource; status: 'invalid'; fingerprint?: string; reasons: string[] }
  | { source: KeySource; status: 'none' | 'failed'; reasons: string[] };

/** Judges every certificate a source delivered for `address`; a usable one wins, the newest if several. */
export async function judgeKeys(
  source: KeySource,
  keys: PublicKey[],
  address: string,
  rules: KeyRules,
  origin: string,
): Promise<SourceResult> {
  const judgements = await Promise.all(keys.map((key) => validateKey(key, address, rules)));
  const usable = judgements
    .flatMap((judgement) => (judgement.usable ? [judgement.key] : []))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
  const [best] = usable;
  if (best !== undefined) return { source, status: 'valid', key: best, reasons: [`found ${origin}`] };
  const refusals = judgements.flatMap((judgement) => (judgement.usable ? [] : [judgement]));
  const [first] = refusals;
  if (first === undefined) return { source, status: 'none', reasons: [`no key ${origin}`] };
  // With several keys, each reason says which key it is about.
  const reasons = refusals.flatMap((refusal) =>
    refusal.reasons.map((reason) => (refusals.length > 1 ? `key ${refusal.fingerprint}: ${reason}` : reason)),
  );
  return {
    source,
    status: 'invalid',
    fingerprint: first.fingerprint,
    reasons: [`found ${origin}`, ...reasons],
  };
}

/** Reads and judges a source's raw answer; unreadable data is a published key that cannot be used: `invalid`. */
export async function judgeAnswer(
  source: KeySource,
  data: Uint8Array | string,
  address: string,
  rules: KeyRules,
  origin: string,
): Promise<SourceResult> {
  let keys: PublicKey[];
  try {
    keys = await readKeyBlock(data);
  } catch (error) {
    if (!(error instanceof KeyReadError)) throw error;
    return { source, status: 'invalid', reasons: [`the answer ${origin} is unusable: ${error.message}`] };
  }
  return judgeKeys(source, keys, address, rules, origin);
}

/** A key server's answer (key-http.ts) judged for `address`: the same rules for every source that serves documents. */
export async function judgeDocument(
  source: KeySource,
  document: KeyDocument,
  address: string,
  rules: KeyRules,
  origin: string,
): Promise<SourceResult> {
  switch (document.status) {
    case 'absent':
      return { source, status: 'none', reasons: [`no key ${origin}`] };
    case 'too-large':
      return {
        source,
        status: 'invalid',
        reasons: [
          `the key published ${origin} is larger than ${document.maxBytes / 1024} KiB, ` +
            'the most a key directory may serve, so no client can use it',
        ],
      };
    case 'found':
      return judgeAnswer(source, document.body, address, rules, origin);
  }
}

/** A source that could not answer; the message is the typed error's, which names host and cause. */
export function failedResult(source: KeySource, what: string, error: unknown): SourceResult {
  const detail = messageOf(error);
  return { source, status: 'failed', reasons: [`${what} failed: ${detail}`] };
}
