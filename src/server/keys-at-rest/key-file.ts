/**
 * A key kept in a file of its own, never in the database, that every node sharing a database must hold alike: the
 * escrow server key (escrow/server-key.ts) and the decision pseudonym key (decisions/key.ts). The file is made at
 * the very first start, kept readable by its owner only, and checked against a check value the database keeps (an
 * HMAC of a fixed label under the key, which tells keys apart and reveals nothing of them). A node whose key differs,
 * or that has no key file while the database already knows a key, refuses to start rather than make a new one.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SendguardError } from '../../core/errors';
import type { Settings } from '../store/store';

/** One kind of key file: how it is named to an admin, made, read and checked. */
export interface KeyFileKind {
  /** The key as messages name it: 'the escrow server key'. */
  name: string;
  /** The stem of the refusals' codes: `${code}_MISSING`, `_MISMATCH`, `_EXPOSED`, `_UNREADABLE`. */
  code: string;
  /** Where the key's check value is kept in the service's settings. */
  checkSetting: string;
  /** The key's check value: equal for equal keys, never the key. */
  checkOf(key: Uint8Array): string;
  /** The contents of a new key file. */
  make(): string | Uint8Array;
  /** The key in a file's contents; throws a refusal naming `file` when they hold no key. */
  parse(contents: Buffer, file: string): Uint8Array;
  /** What the database holds under its key, which a new key would lose: 'secure messages sealed with a server key'. */
  heldUnderKey: string;
  /** What a node without the right key must do: where to copy the file from. */
  remedy: string;
  /** Whether the database holds data under a key of this kind from before check values were kept. */
  usedWithoutCheck?: () => Promise<boolean>;
}

/**
 * Creates `file` (0600) holding `contents`, written whole under a name of its own and then linked into place: a
 * process reading the file never sees it half-written, and when another one sharing the file system made it first
 * (the link finds it there), that one's file stays, so both end up reading the same.
 */
async function createFileOnce(file: string, contents: string | Uint8Array): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
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

/** The key file's contents, or undefined when there is no such file; a file that cannot be read is refused. */
async function readKeyFile(file: string, kind: KeyFileKind): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SendguardError(
      `${kind.code}_UNREADABLE`,
      `${kind.name} file ${file} cannot be read (${code ?? String(error)}): make it readable by the service's user only (chmod 600 ${file})`,
      { cause: error },
    );
  }
}

/**
 * The key file's contents when there was none: made now on the very first start, and refused when the database
 * already knows a key, unless another node sharing the file made it (and stored its check) since it was looked for.
 */
async function firstKeyFile(file: string, kind: KeyFileKind, settings: Settings): Promise<Buffer> {
  const known =
    (await settings.get(kind.checkSetting)) !== undefined || (await kind.usedWithoutCheck?.()) === true;
  if (!known) {
    await createFileOnce(file, kind.make());
    return (await readKeyFile(file, kind))!;
  }
  const madeMeanwhile = await readKeyFile(file, kind);
  if (madeMeanwhile !== undefined) return madeMeanwhile;
  throw new SendguardError(
    `${kind.code}_MISSING`,
    `${kind.name} file ${file} does not exist, but the database already holds ${kind.heldUnderKey}, and a new key would not match them: ${kind.remedy}`,
  );
}

/** The permission bits of a key file that let users other than its owner in. */
const OTHERS = 0o077;
const OTHERS_READ = 0o044;

/**
 * Tightens the key file to its owner when others may use it and the file is ours to change; otherwise a key others
 * can read is refused (a read-only 0400 or 0600 file, a container secret or one root owns, is fine as it is).
 */
async function keepKeyPrivate(file: string, kind: KeyFileKind): Promise<void> {
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
    `${kind.code}_EXPOSED`,
    `${kind.name} file ${file} can be read by other users (mode ${octal}) and the service cannot change that: make it readable by the service's user only (chmod 600 ${file}, or 400)`,
  );
}

/**
 * The key in `file`, made on the very first start and kept private. Its check value is kept in `settings` (the
 * first node to start stores it); a node whose key differs refuses to start (`${code}_MISMATCH`), as does one
 * without the file once the database knows a key (`${code}_MISSING`).
 */
export async function openKeyFile(file: string, kind: KeyFileKind, settings: Settings): Promise<Uint8Array> {
  const contents = (await readKeyFile(file, kind)) ?? (await firstKeyFile(file, kind, settings));
  await keepKeyPrivate(file, kind);
  const key = kind.parse(contents, file);
  const check = kind.checkOf(key);
  if ((await settings.putIfAbsent(kind.checkSetting, check)) !== check)
    throw new SendguardError(
      `${kind.code}_MISMATCH`,
      `${kind.name} in ${file} is not the key of this database, which already holds ${kind.heldUnderKey}: ${kind.remedy}`,
    );
  return key;
}
