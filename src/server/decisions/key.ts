/**
 * The pseudonym key: 32 random bytes in `<dataDir>/decision-key` (0600), made at the first start. Decision records
 * name senders and recipients by an HMAC under it, so a copy of the database alone cannot tell whose mail it was,
 * not even by hashing guessed addresses. It is never stored in the database.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendguardError } from '../../core/errors';
import { createFileOnce } from '../escrow/server-key';
import type { Settings } from '../store/store';

export const DECISION_KEY_FILE = 'decision-key';
const KEY_BYTES = 32;

async function readKey(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SendguardError(
      'DECISION_KEY_UNREADABLE',
      `the decision pseudonym key ${file} cannot be read (${code ?? String(error)}): make it readable by the service's user only (chmod 600 ${file})`,
      { cause: error },
    );
  }
}

/**
 * The key in `dataDir`, made on the first start. Refuses (DECISION_KEY_UNREADABLE, DECISION_KEY_INVALID) a key it
 * cannot read or that is not 32 bytes: a service that made a new one instead would give everyone new pseudonyms.
 */
export async function openDecisionKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, DECISION_KEY_FILE);
  let key = await readKey(file);
  if (key === undefined) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await createFileOnce(file, randomBytes(KEY_BYTES));
    key = (await readKey(file))!;
  }
  if (key.length !== KEY_BYTES) {
    throw new SendguardError(
      'DECISION_KEY_INVALID',
      `the decision pseudonym key ${file} holds ${key.length} bytes, not ${KEY_BYTES}: restore it from a backup or from another node, or remove it to have a new one made (records kept so far then no longer match new ones)`,
    );
  }
  return key;
}

/** Where the key's check value is kept in the service's settings. */
export const DECISION_KEY_CHECK_SETTING = 'decisions.keyCheck';

/**
 * Whether `key` is the one the first node sharing the database stored a check value of (an HMAC of a fixed text,
 * which reveals nothing of the key). Nodes with different keys give one address different pseudonyms: their
 * records still count, but one recipient counts once per key.
 */
export async function sameKeyAsOtherNodes(key: Uint8Array, settings: Settings): Promise<boolean> {
  const check = createHmac('sha256', key).update('sendguard decision key check').digest('base64');
  return (await settings.putIfAbsent(DECISION_KEY_CHECK_SETTING, check)) === check;
}
