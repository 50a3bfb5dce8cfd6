/**
 * Names in and out of the DNS client: lower-case, no trailing dot. Query names must already be A-labels (the
 * caller converts IDNs); anything else is refused before a packet is sent.
 */
import { DnsNameInvalidError } from './errors';

// RFC 1035 §2.3.4: 63 octets per label, 255 per name on the wire, which is 253 characters in text form.
const MAX_NAME_CHARS = 253;
// Letters, digits and hyphen (RFC 1035 §2.3.1) plus underscore for service labels (_25._tcp, _mta-sts,
// _openpgpkey).
const LABEL = /^[a-z0-9_-]{1,63}$/;

/** DNS compares names case-insensitively in ASCII only (RFC 4343 §3), so only A–Z are folded. */
export function foldCase(name: string): string {
  return name.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** The canonical text form of a name to query; throws DnsNameInvalidError. */
export function normalizeQueryName(name: string): string {
  const folded = foldCase(name).replace(/\.$/, '');
  if (folded === '') throw new DnsNameInvalidError(name, 'empty name');
  if (folded.length > MAX_NAME_CHARS) throw new DnsNameInvalidError(name, 'longer than 253 characters');
  const bad = folded.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) throw new DnsNameInvalidError(name, `bad label "${bad}"`);
  return folded;
}

/** A name decoded from a response in the same form; the root (dns-packet's ".") becomes "". */
export function normalizeWireName(name: string): string {
  return name === '.' ? '' : foldCase(name).replace(/\.$/, '');
}

/** Whether `host` is `suffix` or a name under it, by whole labels (both lower case, without a trailing dot). */
export function isAtOrUnder(host: string, suffix: string): boolean {
  return host === suffix || host.endsWith(`.${suffix}`);
}
