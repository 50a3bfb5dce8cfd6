import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';

export const DEFAULT_POLICY_FILE = join(__dirname, '..', '..', 'config', 'policy.yaml');

let shipped: Policy | undefined;

/** The shipped default policy (read once), optionally with top-level fields replaced. */
export function defaultPolicy(changes: Partial<Policy> = {}): Policy {
  shipped ??= parsePolicy(readFileSync(DEFAULT_POLICY_FILE, 'utf8'));
  return { ...structuredClone(shipped), ...changes };
}
