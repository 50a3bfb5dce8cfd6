/**
 * US bank routing (ABA) numbers: nine digits after a routing keyword, whose first two digits name a Federal
 * Reserve district (01–12, 21–32 for thrifts, 61–72 for electronic, 80 for traveller's cheques; 00 for the US
 * government) and whose weighted 3-7-1 checksum is a multiple of ten. Without the keyword a bare nine-digit number
 * passes the checksum one time in ten, which would flag every tenth order number.
 */
import type { DetectorInput, Hit } from './finding';
import { keywordedHits, type KeywordedNumber } from './keyword-context';
import { isRepeatedDigit } from './tokens';

const KEYWORD = /\b(?:routing|aba|rtn|transit)\b/i;

function validPrefix(digits: string): boolean {
  const prefix = Number(digits.slice(0, 2));
  return prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
}

export function abaChecksumValid(digits: string): boolean {
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(digits.charAt(i)), 0);
  return sum % 10 === 0;
}

const ROUTING_NUMBER: KeywordedNumber = {
  detector: 'aba-routing',
  label: 'US bank routing number',
  keyword: KEYWORD,
  noun: 'routing number',
  valueOf(run) {
    const digits = run.groups.join('');
    if (run.groups.length !== 1 || digits.length !== 9 || isRepeatedDigit(digits)) return undefined;
    return validPrefix(digits) && abaChecksumValid(digits) ? digits : undefined;
  },
};

export function detectAbaRouting({ text, runs }: DetectorInput): Hit[] {
  return keywordedHits(text, runs, ROUTING_NUMBER);
}
