/**
 * The server key: it seals each message's server secret and keys the HMACs of codes and passcode checks, so a
 * copy of the database alone yields neither server secrets nor guessable code hashes. It lives in its own file
 * (`escrow.serverKeyFile`), never in the database; every node sharing a database has a copy of the same file.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { SendguardError } from '../../core/errors';
import { openKeyFile, type KeyFileKind } from '../keys-at-rest/key-file';
import type { ServiceStore } from '../store/store';

export const SERVER_KEY_FILE = 'escrow-server.key';

export class ServerKey {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32)
      throw new SendguardError('ESCROW_SERVER_KEY_INVALID', 'the escrow server key must be 32 bytes');
  }

  seal(plaintext: Uint8Array, aad: string): Uint8Array {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce).setAAD(Buffer.from(aad));
    return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  open(sealed: Uint8Array, aad: string): Uint8Array {
    const data = Buffer.from(sealed);
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12)).setAAD(Buffer.from(aad));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
  }

  mac(...parts: Array<string | Uint8Array>): Uint8Array {
    const hmac = createHmac('sha256', this.key);
    // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
    for (const part of parts) {
      const bytes = typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part);
      hmac.update(Buffer.from(Uint32Array.of(bytes.length).buffer)).update(bytes);
    }
    return hmac.digest();
  }
}

/** Where the key's check value is kept in the service's settings. */
export const SERVER_KEY_CHECK_SETTING = 'escrow.serverKeyCheck';
/** What the check value is an HMAC of: a fixed label, so the value tells keys apart and reveals nothing of them. */
const CHECK_LABEL = 'sendguard escrow server key check';

/** The key's check value (base64): equal for equal keys, never the key. */
export function serverKeyCheck(key: ServerKey): string {
  return Buffer.from(key.mac(CHECK_LABEL)).toString('base64');
}

/** What the key is checked against: the check value kept in the settings, and the messages sealed with it. */
export type ServerKeyStore = Pick<ServiceStore, 'settings' | 'escrow'>;

/** The server key's file: 32 random bytes in base64. */
function serverKeyFile(store: ServerKeyStore): KeyFileKind {
  return {
    name: 'the escrow server key',
    code: 'ESCROW_SERVER_KEY',
    checkSetting: SERVER_KEY_CHECK_SETTING,
    checkOf: (key) => serverKeyCheck(new ServerKey(key)),
    make: () => randomBytes(32).toString('base64'),
    parse: (contents) => Buffer.from(contents.toString('utf8').trim(), 'base64'),
    heldUnderKey: 'secure messages sealed with a server key',
    remedy: 'copy the key file from a node that already runs, or set escrow.serverKeyFile to where it is',
    // A database from before check values were kept knows its key only by its messages.
    usedWithoutCheck: () => store.escrow.hasMessages(),
  };
}

/**
 * The server key from `file`, created on the very first start (keys-at-rest/key-file.ts): a node whose key differs,
 * or that has no key file while the database already knows a key, refuses to start, since every message sealed
 * with the other key would be lost to it.
 */
export async function openServerKey(file: string, store: ServerKeyStore): Promise<ServerKey> {
  return new ServerKey(await openKeyFile(file, serverKeyFile(store), store.settings));
}
