/**
 * Signed statements: what the service vouches for so that an add-in can still decide while the service cannot be
 * reached. Each is a JSON text (`payload`) and an Ed25519 signature over its bytes (`signature`, base64) by the
 * deployment's verdict key. The payload is written in ASCII only (every other character as a JSON `\u` escape),
 * so its bytes are its character codes: the add-ins' send handler runs where there is no TextEncoder.
 *
 * Two kinds: a recipient's verdicts as `/assess` handed them out (`verdict`, with the time it was handed out and
 * the policy version it was assessed under), and the policy as `/policy` serves it (`policy`).
 */
import type { PolicyAnswer } from '../evaluate/policy-answer';
import { WIRE_LIMITS } from '../evaluate/wire-limits';
import type { AssessedRecipient } from '../wire';

export interface SignedStatement {
  payload: string;
  /** Ed25519 over the payload's bytes, base64. */
  signature: string;
}

/** What the service vouched for about one recipient, without its armored key (no plan from kept verdicts uses it). */
export interface VerdictStatement {
  kind: 'verdict';
  /** The deployment that signed it: its public URL. */
  deployment: string;
  /** When the service handed it out (ISO 8601, UTC). */
  issuedAt: string;
  policyVersion: string;
  recipient: AssessedRecipient;
}

export interface PolicyStatement extends Pick<PolicyAnswer, 'version' | 'policy'> {
  kind: 'policy';
  deployment: string;
}

export const SIGNED_LIMITS = {
  /**
   * A recipient's verdicts without the armored key: its three reason lists (key, transport, mailbox access) at the
   * assess answer's limits, each character escaped as `\uXXXX` at worst, and room for the rest. Real ones are a
   * few kB.
   */
  verdictPayloadMax: 3 * WIRE_LIMITS.reasonsMax * WIRE_LIMITS.reasonMax * 6 + 64 * 1024,
  /** A policy may name 10 000 domain rules and carry a compliance key. */
  policyPayloadMax: 4 * 1024 * 1024,
  /** 64 bytes in base64, with room for padding and line breaks. */
  signatureMax: 100,
  /** The verdict public key: 32 bytes in base64, with the same room. */
  publicKeyMax: 100,
  /** The deployment's name: its public URL. */
  deploymentMax: 2048,
} as const;

/** A character as a JSON or JavaScript `\uXXXX` escape. */
export function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** JSON text of `value` with every character above U+007F escaped, so that its bytes are its character codes. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, unicodeEscape);
}

/** The bytes of an ASCII payload, or undefined when it holds any other character (then it was not signed as is). */
export function asciiBytes(payload: string): Uint8Array | undefined {
  const bytes = new Uint8Array(payload.length);
  for (let i = 0; i < payload.length; i++) {
    const code = payload.charCodeAt(i);
    if (code > 0x7f) return undefined;
    bytes[i] = code;
  }
  return bytes;
}

/** The recipient as a verdict statement carries it: its key without the armored key. */
export function withoutArmoredKey(recipient: AssessedRecipient): AssessedRecipient {
  if (recipient.key.armoredKey === undefined) return recipient;
  const { armoredKey: _dropped, ...key } = recipient.key;
  return { ...recipient, key };
}

/**
 * What an add-in checks signed statements with: the deployment's verdict public key (32 bytes, base64) and the
 * deployment a statement must name. The service writes both into the send handler it serves, over these
 * placeholders (as it writes its base URL); pages and the try-it page are given them in their configuration.
 */
export interface VerdictTrust {
  publicKey: string;
  deployment: string;
}

export const VERDICT_KEY_PLACEHOLDER = 'sendguard:verdict-public-key';
export const DEPLOYMENT_PLACEHOLDER = 'sendguard:deployment';
