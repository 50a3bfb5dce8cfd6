/**
 * A verdict cache whose rows tell a reader of the database nothing of whom they are about: each entry is stored
 * under an HMAC of its key and its value sealed with AES-256-GCM, both under subkeys derived from a secret the
 * deployment keeps outside the database (the pseudonym key, `<dataDir>/decision-key`). The name is the sealed
 * value's additional data, so a value copied under another name does not open. A row that does not open (written
 * under another key, tampered with, or in clear before sealing) is a miss: the caller looks the answer up again.
 * Expiry stays in clear, so expired rows are still purged.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BoundedCache } from './bounded-cache';
import type { CacheEntry, VerdictCache } from './store';

/** A value as the store holds it: base64url of IV, ciphertext and tag. */
export const SealedValue = z.strictObject({ sealed: z.string() });
export type SealedValue = z.infer<typeof SealedValue>;

/** The subkeys of one sealed cache: one names entries, one seals values. */
interface SealKeys {
  names: Buffer;
  values: Buffer;
}

const KEY_BYTES = 32;
const NAMES_KEPT = 10_000;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The subkeys for the cache called `purpose`, derived with HKDF-SHA256 from `secret`: neither is the secret nor
 * anything else made from it (the decision records' pseudonyms are an HMAC under the secret itself).
 */
export function sealKeys(secret: Uint8Array, purpose: string): SealKeys {
  const derive = (use: string) =>
    Buffer.from(
      hkdfSync('sha256', secret, Buffer.alloc(0), `sendguard-cache/v1/${purpose}/${use}`, KEY_BYTES),
    );
  return { names: derive('names'), values: derive('values') };
}

function sealedWith(key: Buffer, plain: string, name: string): SealedValue {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(name, 'utf8'));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url') };
}

/** The JSON text sealed under `name`, or undefined when it does not open. */
function openedWith(key: Buffer, { sealed }: SealedValue, name: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
    .setAAD(Buffer.from(name, 'utf8'))
    .setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, -TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/**
 * `inner` seen through its keys' names and sealed values; a row of `inner` in another form (`Other`: written in
 * clear before values were sealed) is a miss. `shape` is what an opened value must be to be handed out. Each
 * object inner holds is opened once: a memory front below hands out the same object each time, and callers that
 * derive things from a value by its identity then find the same value too.
 */
export function sealedCache<T, Other extends object = never>(
  inner: VerdictCache<SealedValue | Other>,
  keys: SealKeys,
  shape: z.ZodType<T>,
): VerdictCache<T> {
  // The names of recently asked keys are kept, in this process only: an HMAC by Node's crypto costs some 4 µs,
  // and an assess answer of twenty recipients asks a name for each, every time.
  const names = new BoundedCache<string, string>({ maxEntries: NAMES_KEPT });
  const nameOf = (key: string) => {
    let name = names.get(key);
    if (name === undefined) {
      name = createHmac('sha256', keys.names).update(key, 'utf8').digest('base64url');
      names.set(key, name);
    }
    return name;
  };
  const opened = new WeakMap<object, { name: string; value: T | undefined }>();
  const open = (
    entry: CacheEntry<SealedValue | Other> | undefined,
    name: string,
  ): CacheEntry<T> | undefined => {
    if (entry === undefined) return undefined;
    let made = opened.get(entry.value);
    if (made?.name !== name) {
      const sealed = SealedValue.safeParse(entry.value);
      const json = sealed.success ? openedWith(keys.values, sealed.data, name) : undefined;
      made = { name, value: parsed(json, shape) };
      opened.set(entry.value, made);
    }
    return made.value === undefined ? undefined : { value: made.value, expiresAt: entry.expiresAt };
  };
  const peek = inner.peek?.bind(inner);
  return {
    ...(peek
      ? {
          peek(key: string) {
            const name = nameOf(key);
            return open(peek(name), name);
          },
        }
      : {}),
    async get(key) {
      const name = nameOf(key);
      return open(await inner.get(name), name);
    },
    put(key, value, expiresAt) {
      const name = nameOf(key);
      return inner.put(name, sealedWith(keys.values, JSON.stringify(value), name), expiresAt);
    },
    delete: (key) => inner.delete(nameOf(key)),
    deleteExpired: (now) => inner.deleteExpired(now),
  };
}

function parsed<T>(json: string | undefined, shape: z.ZodType<T>): T | undefined {
  if (json === undefined) return undefined;
  try {
    const result = shape.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
