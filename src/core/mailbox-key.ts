/**
 * The comparison form of an address whose domain is already in normal form — what core's parser and the service
 * hand out: the local part lower-cased, the domain lower-cased without a trailing root dot. Local parts are
 * case-sensitive in RFC 5321 §2.4 but case-blind in practice, and WKD and keys.openpgp.org match them that way:
 * a sender typing `Bob@` must find the key, the pin and the pickup made for `bob@`.
 *
 * This is the whole rule but for IDNA, and it needs no IDNA tables, so the ES2016 send handler (which cannot
 * bundle them) keys addresses with it. Text as a person typed it — a U-label domain, white space — goes through
 * `mailboxKey` in addresses.ts, which turns the domain into its A-label first and then calls this.
 */
export function canonicalMailboxKey(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const domain = canonicalDomain(address.slice(at + 1));
  return domain === undefined ? undefined : `${address.slice(0, at).toLowerCase()}@${domain}`;
}

/**
 * The comparison form of an address as a mail client hands it over (a list's member, a recipient Outlook gives
 * back): `canonicalMailboxKey` of the trimmed text, or, where that has none (no `@`, a U-label domain), the trimmed
 * text lower-cased, so that such an address still matches itself in another case.
 */
export function hostAddressKey(address: string): string {
  const text = address.trim();
  return canonicalMailboxKey(text) ?? text.toLowerCase();
}

/**
 * The comparison form of an ASCII domain: lower-cased, without a trailing root dot; `undefined` when it is empty
 * or not ASCII (a U-label, whose A-label only the IDNA step in addresses.ts knows).
 */
export function canonicalDomain(domain: string): string | undefined {
  const name = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  return isAscii(name) ? name.toLowerCase() : undefined;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return text.length > 0;
}
