/**
 * Checks a statement the service signed (core/signed/statement.ts) against the verdict key the add-in was deployed
 * with: the signature over the payload's bytes, then the deployment it names. Anything that does not check out
 * reads as no statement at all — a forged or damaged one, or another deployment's, is ignored, never trusted.
 * tweetnacl is plain ES5 without BigInt or WebCrypto, so this runs in classic Outlook's JavaScript-only runtime.
 */
import nacl from 'tweetnacl';
import { base64ToBytes } from '../../core/base64';
import { asciiBytes, type SignedStatement, type VerdictTrust } from '../../core/signed/statement';
import type { Fields } from '../../core/evaluate/fields';

const PUBLIC_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** Decoded base64 of exactly `length` bytes, or undefined (the placeholder a service never wrote over, say). */
function exactBytes(text: string, length: number): Uint8Array | undefined {
  if (text.length > 100) return undefined;
  try {
    const bytes = base64ToBytes(text);
    return bytes.length === length ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this add-in was deployed with a key to check statements by. */
export function hasVerdictKey(trust: VerdictTrust): boolean {
  return exactBytes(trust.publicKey, PUBLIC_KEY_BYTES) !== undefined;
}

/**
 * The statement's fields when its signature verifies under `trust.publicKey`, its payload is at most `maxLength`
 * characters and it names `trust.deployment`; otherwise undefined.
 */
export function verifiedStatement(
  signed: SignedStatement,
  trust: VerdictTrust,
  maxLength: number,
): Fields | undefined {
  const publicKey = exactBytes(trust.publicKey, PUBLIC_KEY_BYTES);
  const signature = exactBytes(signed.signature, SIGNATURE_BYTES);
  if (!publicKey || !signature || signed.payload.length > maxLength) return undefined;
  const bytes = asciiBytes(signed.payload);
  if (!bytes || !nacl.sign.detached.verify(bytes, signature, publicKey)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(signed.payload);
  } catch {
    return undefined;
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return undefined;
  return (fields as Fields).deployment === trust.deployment ? (fields as Fields) : undefined;
}
