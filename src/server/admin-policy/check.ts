/**
 * A policy text judged as the policy file is (`parsePolicy`: the same size and depth guards, the same schema), with
 * each problem placed where an admin finds it: a YAML syntax error at the line and column where the parser stopped,
 * a schema error at its path and at the line and column of the field there (or of the nearest field above it that
 * the text has, when the field is missing).
 */
import { isMap, isScalar, isSeq, LineCounter, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { parsePolicy, PolicyError, type PolicyIssue, type YamlReading } from '../../core/policy/parse';
import type { Policy } from '../../core/policy/schema';
import { policyVersion } from '../api/policy';

export interface PolicyProblem {
  message: string;
  /** The field's path (`classifications[2].prefer[0]`), for a schema error. */
  path?: string;
  /** One-based, as an editor counts. */
  line?: number;
  column?: number;
}

/** Problems answered at most: the first ones are what an admin mends first; a text can hold one per line. */
const MAX_PROBLEMS = 100;

export type PolicyCheck =
  { valid: true; policy: Policy; version: string; errors: [] } | { valid: false; errors: PolicyProblem[] };

export function checkPolicyText(text: string): PolicyCheck {
  const reading: YamlReading = { lines: new LineCounter() };
  let policy: Policy;
  try {
    policy = parsePolicy(text, 'yaml', reading);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { valid: false, errors: placed(reading, error.issues) };
  }
  return { valid: true, policy, version: policyVersion(policy), errors: [] };
}

/** The first issues with their places: a syntax error's where the parser stopped, a schema error's field's. */
function placed({ lines, document }: YamlReading, issues: readonly PolicyIssue[]): PolicyProblem[] {
  const fields = new FieldOffsets();
  return issues.slice(0, MAX_PROBLEMS).map((issue) => {
    const whole = issue.path === '(document)';
    const offset =
      issue.offset ?? (document && issue.keys ? fields.offsetOf(document, issue.keys) : undefined);
    const at = offset !== undefined ? lines.linePos(offset) : undefined;
    return {
      message: whole ? `The policy ${issue.message}` : issue.message,
      ...(whole ? {} : { path: issue.path }),
      ...(at ? { line: at.line, column: at.col } : {}),
    };
  });
}

/**
 * Where fields start in one document. A mapping's keys are indexed once, on the first issue inside it: a text can
 * hold a problem in each of thousands of entries of one mapping (labels), and each would otherwise search it.
 */
class FieldOffsets {
  private readonly indexes = new WeakMap<YAMLMap, Map<unknown, Pair>>();

  /** Where the field at `keys` starts (its key, in a mapping), or the nearest field above it the document has. */
  offsetOf(document: Document, keys: readonly PropertyKey[]): number | undefined {
    let node: unknown = document.contents;
    let offset = (node as Node | null)?.range?.[0];
    for (const key of keys) {
      if (isMap(node)) {
        const pair = this.pairs(node).get(key);
        if (!pair) break;
        offset = (pair.key as Node | null)?.range?.[0] ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number' && node.items[key] !== undefined) {
        node = node.items[key];
        offset = (node as Node).range?.[0] ?? offset;
      } else break;
    }
    return offset;
  }

  private pairs(map: YAMLMap): Map<unknown, Pair> {
    let index = this.indexes.get(map);
    if (index === undefined) {
      index = new Map();
      // The first of a repeated key, as the parser reports the repeat (uniqueKeys) and keeps the first.
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (!index.has(key)) index.set(key, pair as Pair);
      }
      this.indexes.set(map, index);
    }
    return index;
  }
}
