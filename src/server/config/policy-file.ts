/** The organisation's policy as the server holds it: read once at start-up from `config.policyFile`. */
import { readFile } from 'node:fs/promises';
import { parsePolicy, policyFormatOf } from '../../core/policy/parse';
import type { Policy } from '../../core/policy/schema';
import { ConfigError } from './load';
import type { Config } from './schema';

export async function loadPolicyFile(config: Pick<Config, 'policyFile'>): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(config.policyFile, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { setting: 'policyFile', message: `${config.policyFile} cannot be read: ${(error as Error).message}` },
    ]);
  }
  return parsePolicy(text, policyFormatOf(config.policyFile));
}
