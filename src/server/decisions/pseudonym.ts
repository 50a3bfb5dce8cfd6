/**
 * Pseudonyms for decision records: the first 32 hexadecimal digits of HMAC-SHA256(key, address) with the address's
 * domain after an `@`, so that records count one person as one, policy can still be replayed by domain, and no one
 * is named. The address is in `mailboxKey` form, so one mailbox written two ways has one pseudonym.
 */
import { createHmac } from 'node:crypto';

const DIGITS = 32;

function digest(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex').slice(0, DIGITS);
}

/** `address` in `mailboxKey` form (`local@domain`). */
export function pseudonymOf(key: Uint8Array, address: string): string {
  return `${digest(key, address)}@${address.slice(address.lastIndexOf('@') + 1)}`;
}

/** A caller named by no address (an API token without an owner: `token:<id>`): the digest alone. */
export function pseudonymOfSubject(key: Uint8Array, subject: string): string {
  return digest(key, subject);
}
