/**
 * Key material as sources deliver it — binary or ASCII-armored, one certificate or several back to back — read
 * into openpgp.js public keys, with limits, and every failure as a KeyReadError whose message a sender can read.
 */
import { openpgp, type Key, type PublicKey } from './openpgp';
import { messageOf, SendguardError } from '../../core/errors';

export class KeyReadError extends SendguardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KEY_UNREADABLE', message, options);
  }
}

/** More certificates than this in one answer is not a key publication but an attempt to make us work. */
const MAX_KEYS_PER_ANSWER = 16;

const ARMOR_HEADER_START = '-----BEGIN PGP ';
const ARMOR_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

/** Every certificate in `data`, as public keys; throws KeyReadError. */
export async function readKeyBlock(data: Uint8Array | string): Promise<PublicKey[]> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const text = bytes.toString('latin1');
  const keys = text.trimStart().startsWith('-----BEGIN PGP')
    ? await readArmored(text)
    : await readOrExplain(() => openpgp.readKeys({ binaryKeys: bytes }));
  if (keys.length > MAX_KEYS_PER_ANSWER) {
    throw new KeyReadError(
      `the answer holds ${keys.length} keys, more than the ${MAX_KEYS_PER_ANSWER} allowed`,
    );
  }
  // A secret key published by mistake is still a usable certificate; its secret parts are dropped at once.
  return keys.map((key) => key.toPublic());
}

/** `cat a.asc b.asc` is a common way to publish several keys; openpgp.js reads one armor block per call. */
async function readArmored(text: string): Promise<Key[]> {
  // ARMOR_BLOCK scans from each header it cannot close to the end of the text: counting the headers first keeps
  // a text of thousands of unclosed headers to one pass instead of one scan per header.
  if (text.split(ARMOR_HEADER_START).length - 1 > MAX_KEYS_PER_ANSWER) {
    throw new KeyReadError(`the answer holds more than ${MAX_KEYS_PER_ANSWER} key blocks`);
  }
  const blocks = text.match(ARMOR_BLOCK) ?? [];
  if (blocks.length === 0) throw new KeyReadError('the armored text has no complete key block');
  const perBlock = await Promise.all(
    blocks.map((block) => readOrExplain(() => openpgp.readKeys({ armoredKeys: block }))),
  );
  return perBlock.flat();
}

async function readOrExplain(read: () => Promise<Key[]>): Promise<Key[]> {
  try {
    return await read();
  } catch (error) {
    const detail = messageOf(error);
    throw new KeyReadError(`the data is not a readable OpenPGP key: ${detail}`, { cause: error });
  }
}
