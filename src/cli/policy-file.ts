/** The policy a command uses: `--policy FILE`, else SENDGUARD_POLICY, else the shipped default. */
import { parsePolicy, policyFormatOf } from '../core/policy/parse';
import type { Policy } from '../core/policy/schema';
import { SHIPPED_POLICY_FILE } from '../server/config';
import { readInput, type CliIo } from './io';

export async function loadPolicy(io: CliIo, file?: string): Promise<{ policy: Policy; file: string }> {
  const chosen = file ?? io.env.SENDGUARD_POLICY ?? SHIPPED_POLICY_FILE;
  return { policy: parsePolicy(await readInput(io, chosen), policyFormatOf(chosen)), file: chosen };
}
