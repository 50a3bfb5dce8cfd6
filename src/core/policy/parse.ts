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

/** Parses JSON or YAML (JSON is YAML, but its errors read better from JSON.parse). */
export function parsePolicy(text: string, format: 'json' | 'yaml' = 'yaml'): Policy {
  if (text.length > MAX_POLICY_BYTES) {
    throw new PolicyError([{ path: '(document)', message: `is over ${MAX_POLICY_BYTES} bytes` }]);
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
