/**
 * The organisation's policy file, read once at start-up from `config.policyFile`: the starting point, in force
 * until an admin saves a version through the API (server/admin-policy).
 */
import { readFile } from 'node:fs/promises';
import { parsePolicy, policyFormatOf } from '../../core/policy/parse';
import type { Policy } from '../../core/policy/schema';
import { ConfigError } from './load';
import type { Config } from './schema';

export async function loadPolicyFile(config: Pick<Config, 'policyFile'>): Promise<Policy> {
  return (await readPolicyFile(config)).policy;
}

/** The policy file's text, and its policy. */
export async function readPolicyFile(
  config: Pick<Config, 'policyFile'>,
): Promise<{ text: string; policy: Policy }> {
  let text: string;
  try {
    text = await readFile(config.policyFile, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { setting: 'policyFile', message: `${config.policyFile} cannot be read: ${(error as Error).message}` },
    ]);
  }
  return { text, policy: parsePolicy(text, policyFormatOf(config.policyFile)) };
}
