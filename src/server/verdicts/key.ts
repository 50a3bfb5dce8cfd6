/**
 * The verdict key: an Ed25519 private key (its 32-byte seed) in `<dataDir>/verdict-key` (0600), made at the first
 * start, beside the decision key and kept the same way (keys-at-rest/key-file.ts): every node sharing a database
 * signs with the same key, since the add-ins hold one public key. Its check value in the database is the public
 * key itself, which reveals nothing of the private one and tells the admin which key the add-ins must hold.
 */
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { bytesToBase64 } from '../../core/base64';
import { SendguardError } from '../../core/errors';
import { openKeyFile, type KeyFileKind } from '../keys-at-rest/key-file';
import type { Settings } from '../store/store';

export const VERDICT_KEY_FILE = 'verdict-key';
const SEED_BYTES = 32;

/** Where the key's check value (its public key, base64) is kept in the service's settings. */
export const VERDICT_KEY_CHECK_SETTING = 'verdicts.publicKey';

/** RFC 8410 §7: a PKCS #8 Ed25519 private key is this fixed prefix and the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The key pair of a 32-byte seed, and its public key as the add-ins take it (32 bytes, base64). */
export interface VerdictKey {
  privateKey: KeyObject;
  publicKey: string;
}

export function verdictKeyOf(seed: Uint8Array): VerdictKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  return { privateKey, publicKey: bytesToBase64(Buffer.from(raw, 'base64url')) };
}

const VERDICT_KEY: KeyFileKind = {
  name: 'the verdict signing key',
  code: 'VERDICT_KEY',
  checkSetting: VERDICT_KEY_CHECK_SETTING,
  checkOf: (seed) => verdictKeyOf(seed).publicKey,
  make: () => randomBytes(SEED_BYTES),
  parse(contents, file) {
    if (contents.length === SEED_BYTES) return contents;
    throw new SendguardError(
      'VERDICT_KEY_INVALID',
      `the verdict signing key ${file} holds ${contents.length} bytes, not ${SEED_BYTES}: restore it from a backup or from another node on this database`,
    );
  },
  // The add-ins hold the public key of the key this database was started with: another one's verdicts they ignore.
  heldUnderKey: 'the public key the add-ins check verdicts with',
  remedy: `copy ${VERDICT_KEY_FILE} from the data directory of a node that already runs on this database (or from its backup) into this node's data directory`,
};

/**
 * The key in `dataDir`, made on the very first start. Refused (VERDICT_KEY_MISMATCH, VERDICT_KEY_MISSING) when the
 * database already knows another key or this node has none though it does; refused too when unreadable, open to
 * other users, or not 32 bytes (VERDICT_KEY_UNREADABLE, _EXPOSED, _INVALID).
 */
export async function openVerdictKey(dataDir: string, settings: Settings): Promise<VerdictKey> {
  return verdictKeyOf(await openKeyFile(join(dataDir, VERDICT_KEY_FILE), VERDICT_KEY, settings));
}
