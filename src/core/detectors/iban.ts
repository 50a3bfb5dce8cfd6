/**
 * International bank account numbers (ISO 13616): country code, two check digits and the national BBAN, either
 * compact ("DE89370400440532013000") or printed in groups of four ("DE89 3704 0044 0532 0130 00"). A candidate
 * must have its country's exact registry length and pass the mod-97 check.
 */
import type { DetectorInput, Hit } from './finding';
import { ending } from './mask';
import { isStandalone } from './tokens';

/** IBAN lengths by country, from the SWIFT IBAN registry. */
// prettier-ignore
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Where an IBAN may begin: a country code and check digits. The rest is read by hand, at most 30 characters. */
const START = /[A-Z]{2}[0-9]{2}/g;
const BBAN_CHAR = /[0-9A-Z]/;

/**
 * The BBAN after `from`, `length` characters long: compact, or in groups of four each preceded by one space. The
 * end offset, or -1 when the text does not hold exactly that.
 */
function readBban(text: string, from: number, length: number): number {
  const spaced = text.charAt(from) === ' ';
  let position = from;
  for (let read = 0; read < length; read += 1) {
    if (spaced && read % 4 === 0) {
      if (text.charAt(position) !== ' ') return -1;
      position += 1;
    }
    if (!BBAN_CHAR.test(text.charAt(position))) return -1;
    position += 1;
  }
  return position;
}

/** ISO 7064 MOD 97-10 over the IBAN with its first four characters moved to the end, letters as 10–35. */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = parseInt(char, 36);
    remainder = (value < 10 ? remainder * 10 + value : remainder * 100 + value) % 97;
  }
  return remainder === 1;
}

export function detectIbans({ text }: DetectorInput): Hit[] {
  const hits: Hit[] = [];
  for (const match of text.matchAll(START)) {
    const start = match.index ?? 0;
    const country = match[0].slice(0, 2);
    const length = LENGTHS[country];
    if (length === undefined) continue;
    const end = readBban(text, start + 4, length - 4);
    if (end < 0 || !isStandalone(text, start, end)) continue;
    const compact = text.slice(start, end).replace(/ /g, '');
    if (!ibanChecksumValid(compact)) continue;
    const masked = `IBAN ${country}** … ${ending(compact)}`;
    hits.push({ detector: 'iban', label: 'International bank account number (IBAN)', masked, start, end });
  }
  return hits;
}
