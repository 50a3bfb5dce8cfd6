/**
 * A policy text judged as the policy file is (`parsePolicy`: the same size and depth guards, the same schema), with
 * each problem placed where an admin finds it: a YAML syntax error at the line and column where the parser stopped,
 * a schema error at its path and at the line and column of the field there (or of the nearest field above it that
 * the text has, when the field is missing).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { parsePolicy, PolicyError, type PolicyIssue } from '../../core/policy/parse';
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

export type PolicyCheck =
  { valid: true; policy: Policy; version: string; errors: [] } | { valid: false; errors: PolicyProblem[] };

/** The options the policy parser reads YAML with that shape the document and its errors. */
export const DOCUMENT_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

export function checkPolicyText(text: string): PolicyCheck {
  let policy: Policy;
  try {
    policy = parsePolicy(text, 'yaml');
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    return { valid: false, errors: placed(text, error.issues) };
  }
  return { valid: true, policy, version: policyVersion(policy), errors: [] };
}

/**
 * The issues with their places. Only an issue with an offset or keys has one, and such an issue comes from text
 * that passed the parser's size and depth guards, so the text is safe to parse again for its positions.
 */
function placed(text: string, issues: readonly PolicyIssue[]): PolicyProblem[] {
  const located = issues.some((issue) => issue.offset !== undefined || issue.keys !== undefined);
  const lines = new LineCounter();
  const document = located ? parseDocument(text, { ...DOCUMENT_OPTIONS, lineCounter: lines }) : undefined;
  return issues.map((issue) => {
    const whole = issue.path === '(document)';
    const offset = issue.offset ?? (document && issue.keys ? offsetOf(document, issue.keys) : undefined);
    const at = offset !== undefined ? lines.linePos(offset) : undefined;
    return {
      message: whole ? `The policy ${issue.message}` : issue.message,
      ...(whole ? {} : { path: issue.path }),
      ...(at ? { line: at.line, column: at.col } : {}),
    };
  });
}

/** Where the field at `keys` starts (its key, in a mapping), or the nearest field above it the document has. */
function offsetOf(document: Document, keys: readonly PropertyKey[]): number | undefined {
  let node: unknown = document.contents;
  let offset = (node as Node | null)?.range?.[0];
  for (const key of keys) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === key);
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
