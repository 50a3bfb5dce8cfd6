/**
 * The server key: it seals each message's server secret and keys the HMACs of codes and passcode checks, so a
 * copy of the database alone yields neither server secrets nor guessable code hashes. It lives in its own file
 * (or comes from configuration), never in the database.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SendguardError } from '../../core/errors';

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

/** Reads the key file, or creates it (0600) on first start. */
export function loadServerKey(file: string): ServerKey {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return new ServerKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}
