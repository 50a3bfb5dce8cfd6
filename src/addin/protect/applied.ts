/**
 * The record of what was applied to a message and for which recipients, kept in the `X-Sendguard-Applied`
 * internet header of the saved draft: custom properties are not visible to the send handler in every Outlook, an
 * internet header is. The recipients are stored as a salted SHA-256 of the sorted list, not by name, because the
 * header leaves with the message and must not reveal Bcc recipients to the others.
 */
import { canonicalMailboxKey } from '../../core/mailbox-key';
import { APPLICABLE_PROTECTIONS, type ApplicableProtection } from '../../core/vocabulary';
import { sha256Hex } from './sha256';

export const APPLIED_HEADER = 'X-Sendguard-Applied';

/**
 * The sender's choice of classification, written by the pane as soon as it is made, so that the send check plans
 * with it even when nothing was applied yet (a "restricted" message must not pass as "normal").
 */
export const CLASSIFICATION_HEADER = 'X-Sendguard-Classification';

export interface AppliedRecord {
  protection: ApplicableProtection;
  classification: string;
  /** Hex salt and hex SHA-256 of salt + the sorted, lower-cased addresses. */
  salt: string;
  recipients: string;
}

/** The addresses are the service's normalised ones (domain already an A-label), keyed as everywhere else. */
function recipientsDigest(salt: string, addresses: readonly string[]): string {
  const list = addresses.map((a) => canonicalMailboxKey(a) ?? a);
  return sha256Hex(`${salt}\n${Array.from(new Set(list)).sort().join('\n')}`);
}

/** `randomHex` is injected: the pane passes WebCrypto's, tests a fixed one. */
export function appliedRecord(
  protection: ApplicableProtection,
  classification: string,
  addresses: readonly string[],
  randomHex: () => string,
): AppliedRecord {
  const salt = randomHex();
  return { protection, classification, salt, recipients: recipientsDigest(salt, addresses) };
}

export function formatApplied(record: AppliedRecord): string {
  return `v=1; protection=${record.protection}; classification=${record.classification}; salt=${record.salt}; recipients=${record.recipients}`;
}

/** The record in a header value, or `undefined` when absent or not one this version wrote. */
export function parseApplied(value: string | undefined): AppliedRecord | undefined {
  if (!value) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.split(';')) {
    const match = /^\s*([a-z]+)=([A-Za-z0-9-]+)\s*$/.exec(part);
    if (match) fields[match[1]!] = match[2]!;
  }
  const { v, protection, classification, salt, recipients } = fields;
  if (
    v !== '1' ||
    !protection ||
    !(APPLICABLE_PROTECTIONS as readonly string[]).includes(protection) ||
    !classification ||
    !salt ||
    !recipients
  ) {
    return undefined;
  }
  return { protection: protection as ApplicableProtection, classification, salt, recipients };
}

/** Whether the record was made for exactly these recipients: none added, none removed. */
export function appliedToExactly(record: AppliedRecord, addresses: readonly string[]): boolean {
  return recipientsDigest(record.salt, addresses) === record.recipients;
}
