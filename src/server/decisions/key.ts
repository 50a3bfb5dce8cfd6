/**
 * The pseudonym key: 32 random bytes in `<dataDir>/decision-key` (0600), made at the first start. Decision records
 * name senders and recipients by an HMAC under it, and key verdicts are cached under names and seals derived from
 * it (store/sealed-cache.ts), so a copy of the database alone cannot tell whose mail it was, not even by hashing
 * guessed addresses. It is never stored in the database; every node sharing a database holds the same file.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { SendguardError } from '../../core/errors';
import { openKeyFile, type KeyFileKind } from '../keys-at-rest/key-file';
import type { Settings } from '../store/store';

export const DECISION_KEY_FILE = 'decision-key';
const KEY_BYTES = 32;

/** Where the key's check value is kept in the service's settings. */
export const DECISION_KEY_CHECK_SETTING = 'decisions.keyCheck';

const DECISION_KEY: KeyFileKind = {
  name: 'the decision pseudonym key',
  code: 'DECISION_KEY',
  checkSetting: DECISION_KEY_CHECK_SETTING,
  checkOf: (key) => createHmac('sha256', key).update('sendguard decision key check').digest('base64'),
  make: () => randomBytes(KEY_BYTES),
  parse(contents, file) {
    if (contents.length === KEY_BYTES) return contents;
    throw new SendguardError(
      'DECISION_KEY_INVALID',
      `the decision pseudonym key ${file} holds ${contents.length} bytes, not ${KEY_BYTES}: restore it from a backup or from another node on this database`,
    );
  },
  // Another key would give every address new pseudonyms, and this node would keep key verdicts (a stale `valid`
  // after a pin change, say) that the other nodes' changes never drop.
  heldUnderKey: 'decision records and key verdicts named under another pseudonym key',
  remedy: `copy ${DECISION_KEY_FILE} from the data directory of a node that already runs on this database (or from its backup) into this node's data directory`,
};

/**
 * The key in `dataDir`, made on the very first start. Refused (DECISION_KEY_MISMATCH, DECISION_KEY_MISSING) when
 * the database already knows another key or this node has none though it does; refused too when unreadable, open
 * to other users, or not 32 bytes (DECISION_KEY_UNREADABLE, _EXPOSED, _INVALID).
 */
export async function openDecisionKey(dataDir: string, settings: Settings): Promise<Buffer> {
  return Buffer.from(await openKeyFile(join(dataDir, DECISION_KEY_FILE), DECISION_KEY, settings));
}
