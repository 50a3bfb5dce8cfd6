/** OpenPGP key fingerprints as Sendguard stores, checks and shows them. */

/** An upper-case hexadecimal v4 (40) or v6 (64) fingerprint. Fixed counts only: linear on any input. */
export const FINGERPRINT_PATTERN = /^[0-9A-F]{40}([0-9A-F]{24})?$/;
export const FINGERPRINT_HINT = 'an upper-case hexadecimal v4 (40) or v6 (64) fingerprint';

/** A fingerprint in groups of four ("ABCD EF01 …"), as key tools show it, so a person can compare it. */
export function formatFingerprint(fingerprint: string): string {
  return fingerprint.replace(/(.{4})(?=.)/g, '$1 ');
}
