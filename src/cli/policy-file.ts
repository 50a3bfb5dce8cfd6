/** The policy a command uses: `--policy FILE`, else SENDGUARD_POLICY, else the shipped default. */
import { join } from 'node:path';
import { parsePolicy } from '../core/policy/parse';
import type { Policy } from '../core/policy/schema';
import type { CliIo } from './io';

export const SHIPPED_POLICY_FILE = join(__dirname, '..', '..', 'config', 'policy.yaml');

export async function loadPolicy(io: CliIo, file?: string): Promise<{ policy: Policy; file: string }> {
  const chosen = file ?? io.env.SENDGUARD_POLICY ?? SHIPPED_POLICY_FILE;
  const text = await io.readFile(chosen);
  return { policy: parsePolicy(text, chosen.endsWith('.json') ? 'json' : 'yaml'), file: chosen };
}
