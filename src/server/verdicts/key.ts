/**
 * The verdict key: the Ed25519 key the service signs verdicts and the policy with (signer.ts). Its 32-byte seed is
 * derived from the decision pseudonym key (`<dataDir>/decision-key`, decisions/key.ts) with HKDF-SHA256 under a label
 * of its own, as the sealed caches' subkeys are (store/sealed-cache.ts): the pseudonyms in the database are HMACs
 * under that key itself, and no subkey may be one of them. It is kept exactly as that key is — in the data directory, never in the database, refused when it does
 * not match the database — and every node of a database, which must hold the same decision key already, signs
 * with the same key: the add-ins hold one public key. A file of its own would stop every node but the first of an
 * upgraded cluster until an admin copied it. The derivation is one-way: the verdict key reveals nothing of the
 * decision key.
 */
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';
import { bytesToBase64 } from '../../core/base64';

/** RFC 8410 §7: a PKCS #8 Ed25519 private key is this fixed prefix and the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const DERIVATION_INFO = 'sendguard-verdicts/v1/signing';
const SEED_BYTES = 32;

/** The key pair, and its public key as the add-ins take it (32 bytes, base64). */
export interface VerdictKey {
  privateKey: KeyObject;
  publicKey: string;
}

/** The key pair of a 32-byte Ed25519 seed. */
export function verdictKeyOf(seed: Uint8Array): VerdictKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const raw = createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  return { privateKey, publicKey: bytesToBase64(Buffer.from(raw, 'base64url')) };
}

/** The deployment's verdict key, derived from its decision pseudonym key. */
export function verdictKeyFrom(decisionKey: Uint8Array): VerdictKey {
  return verdictKeyOf(
    Buffer.from(hkdfSync('sha256', decisionKey, Buffer.alloc(0), DERIVATION_INFO, SEED_BYTES)),
  );
}
