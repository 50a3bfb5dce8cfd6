/** Policy text (JSON or YAML) → a validated Policy, or a PolicyError naming the path of every bad field. */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { SendguardError } from '../errors';
import { PolicySchema, type Policy } from './schema';

export interface PolicyIssue {
  /** Where, as an admin would find it in the file: `classifications[2].prefer[0]`; `(document)` for the whole. */
  path: string;
  message: string;
}

export class PolicyError extends SendguardError {
  constructor(readonly issues: PolicyIssue[]) {
    super(
      'POLICY_INVALID',
      `the policy is not valid:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`,
    );
  }
}

/** A policy is a page of settings; anything near this size is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(document)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

function issuesOf(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Validates an already-parsed document (as held by a server or bundled into an add-in). */
export function validatePolicy(document: unknown): Policy {
  const result = PolicySchema.safeParse(document);
  if (!result.success) throw new PolicyError(issuesOf(result.error));
  return result.data;
}

/** Far deeper than any policy; `yaml` slows down superlinearly on deeper flow collections (found by fuzzing). */
const MAX_FLOW_DEPTH = 64;

/** The deepest run of `[`/`{` not yet closed, counting brackets inside strings too (a policy has no such runs). */
function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return deepest;
}

/** Parses JSON or YAML (JSON is YAML, but its errors read better from JSON.parse). */
export function parsePolicy(text: string, format: 'json' | 'yaml' = 'yaml'): Policy {
  if (text.length > MAX_POLICY_BYTES) {
    throw new PolicyError([{ path: '(document)', message: `is over ${MAX_POLICY_BYTES} bytes` }]);
  }
  if (flowDepth(text) > MAX_FLOW_DEPTH) {
    throw new PolicyError([
      { path: '(document)', message: `nests [ ] or { } more than ${MAX_FLOW_DEPTH} deep` },
    ]);
  }
  let document: unknown;
  try {
    // Few aliases are legitimate in a policy; many are a "billion laughs" expansion.
    document =
      format === 'json' ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 50, uniqueKeys: true });
  } catch (error) {
    throw new PolicyError([
      { path: '(document)', message: `is not valid ${format.toUpperCase()}: ${(error as Error).message}` },
    ]);
  }
  return validatePolicy(document);
}
