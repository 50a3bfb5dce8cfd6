/**
 * The server key: it seals each message's server secret and keys the HMACs of codes and passcode checks, so a
 * copy of the database alone yields neither server secrets nor guessable code hashes. It lives in its own file
 * (`escrow.serverKeyFile`), never in the database; every node sharing a database has a copy of the same file.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SendguardError } from '../../core/errors';
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

/** What a node without the right key must do; nodes sharing a database need the same key file. */
const REMEDY = 'copy the key file from a node that already runs, or set escrow.serverKeyFile to where it is';

/** The key's check value (base64): equal for equal keys, never the key. */
export function serverKeyCheck(key: ServerKey): string {
  return Buffer.from(key.mac(CHECK_LABEL)).toString('base64');
}

/** The key file's text, or undefined when there is no such file. */
async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Creates `file` (0600) holding `contents`, written whole under a name of its own and then linked into place: a
 * process reading the file never sees it half-written, and when another one sharing the file system made it first
 * (the link finds it there), that one's file stays, so both end up reading the same. Also the decision pseudonym
 * key's (decisions/key.ts).
 */
export async function createFileOnce(file: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const draft = `${file}.${randomBytes(8).toString('hex')}.new`;
  await writeFile(draft, contents, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

/** The key file made with a new random key, unless another node made it first; its text either way. */
async function createKeyFile(file: string): Promise<string> {
  await createFileOnce(file, randomBytes(32).toString('base64'));
  return readFile(file, 'utf8');
}

/** The permission bits of a key file that let users other than its owner in. */
const OTHERS = 0o077;
const OTHERS_READ = 0o044;

/**
 * Tightens the key file to its owner when others may use it and the file is ours to change; otherwise a key others
 * can read is refused (a read-only 0400 or 0600 file, a container secret or one root owns, is fine as it is).
 */
async function keepKeyPrivate(file: string): Promise<void> {
  const { mode, uid } = await stat(file);
  if ((mode & OTHERS) === 0) return;
  if (uid === process.getuid?.()) {
    const tightened = await chmod(file, mode & 0o700).then(
      () => true,
      () => false,
    );
    if (tightened) return;
  }
  if ((mode & OTHERS_READ) === 0) return;
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  throw new SendguardError(
    'ESCROW_SERVER_KEY_EXPOSED',
    `the escrow server key file ${file} can be read by other users (mode ${octal}) and the service cannot change that: make it readable by the service's user only (chmod 600 ${file}, or 400)`,
  );
}

/** What the key is checked against: the check value kept in the settings, and the messages sealed with it. */
export type ServerKeyStore = Pick<ServiceStore, 'settings' | 'escrow'>;

/**
 * The key file's text when there was none: made now on the very first start, and refused when the database
 * already knows a key, unless another node sharing the file made the file (and stored its check) since it was
 * looked for. A database from before check values were kept knows its key only by its messages: with any message
 * in it, a new key is refused too.
 */
async function firstKeyFile(file: string, store: ServerKeyStore): Promise<string> {
  if ((await store.settings.get(SERVER_KEY_CHECK_SETTING)) === undefined) {
    if (!(await store.escrow.hasMessages())) return createKeyFile(file);
    throw missingKey(file);
  }
  const madeMeanwhile = await readKeyFile(file);
  if (madeMeanwhile !== undefined) return madeMeanwhile;
  throw missingKey(file);
}

function missingKey(file: string): SendguardError {
  return new SendguardError(
    'ESCROW_SERVER_KEY_MISSING',
    `the escrow server key file ${file} does not exist, but the database already holds secure messages sealed with a server key; a new key would open none of them: ${REMEDY}`,
  );
}

/**
 * The server key from `file`, created on the very first start. Its check value is kept in the store's settings
 * (the first node to start stores it): a node whose key differs, or that has no key file while the database
 * already knows a key, refuses to start, since every message sealed with the other key would be lost to it.
 */
export async function openServerKey(file: string, store: ServerKeyStore): Promise<ServerKey> {
  const text = (await readKeyFile(file)) ?? (await firstKeyFile(file, store));
  await keepKeyPrivate(file);
  const key = new ServerKey(Buffer.from(text.trim(), 'base64'));
  const check = serverKeyCheck(key);
  if ((await store.settings.putIfAbsent(SERVER_KEY_CHECK_SETTING, check)) !== check)
    throw new SendguardError(
      'ESCROW_SERVER_KEY_MISMATCH',
      `the escrow server key in ${file} is not the key the database's secure messages were sealed with: ${REMEDY}`,
    );
  return key;
}
