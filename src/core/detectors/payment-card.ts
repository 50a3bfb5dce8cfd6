/**
 * Payment card numbers: 13–19 digits, bare or in the groupings printed on cards, that pass the Luhn check and
 * start with a real issuer's prefix at one of that issuer's lengths. The issuer test is what keeps order numbers,
 * timestamps and ISBNs out: one random digit string in ten passes Luhn, far fewer also match an issuer.
 * All-same-digit fillers need no rule of their own: none of them passes both Luhn and an issuer's prefix and
 * length (a test keeps it that way if the issuer table grows).
 */
import type { DetectorInput, Hit } from './finding';
import { ending } from './mask';
import { groupShape, type DigitRun } from './tokens';

interface Issuer {
  name: string;
  /** Inclusive ranges of leading digits: [2221, 2720] means the first four digits lie in that range. */
  prefixes: ReadonlyArray<readonly [number, number]>;
  lengths: readonly number[];
}

const SIXTEEN_TO_NINETEEN = [16, 17, 18, 19];

/** Prefixes and lengths as the networks publish them (ISO/IEC 7812 issuer identification numbers). */
const ISSUERS: readonly Issuer[] = [
  { name: 'Visa', prefixes: [[4, 4]], lengths: [13, 16, 19] },
  {
    name: 'Mastercard',
    prefixes: [
      [51, 55],
      [2221, 2720],
    ],
    lengths: [16],
  },
  {
    name: 'American Express',
    prefixes: [
      [34, 34],
      [37, 37],
    ],
    lengths: [15],
  },
  {
    name: 'Discover',
    prefixes: [
      [6011, 6011],
      [644, 649],
      [65, 65],
    ],
    lengths: SIXTEEN_TO_NINETEEN,
  },
  { name: 'JCB', prefixes: [[3528, 3589]], lengths: SIXTEEN_TO_NINETEEN },
  {
    name: 'Diners Club',
    prefixes: [
      [300, 305],
      [36, 36],
      [38, 39],
    ],
    lengths: [14, 15, ...SIXTEEN_TO_NINETEEN],
  },
  { name: 'UnionPay', prefixes: [[62, 62]], lengths: SIXTEEN_TO_NINETEEN },
];

/**
 * Groupings as cards print them, as lengths: fours with a shorter last group (4-4-4-4, 4-4-4-4-3), and the
 * 4-6-5 of American Express and 4-6-4 of Diners Club.
 */
const USUAL_GROUPING = /^(?:4-){2,4}[1-4]$|^4-6-[45]$/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits.charAt(digits.length - 1 - i));
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function issuerOf(digits: string): Issuer | undefined {
  return ISSUERS.find(
    (issuer) =>
      issuer.lengths.includes(digits.length) &&
      issuer.prefixes.some(([low, high]) => {
        const prefix = Number(digits.slice(0, String(low).length));
        return prefix >= low && prefix <= high;
      }),
  );
}

interface Candidate {
  start: number;
  end: number;
  digits: string;
}

/**
 * The whole run when it is one group or a card's grouping. Otherwise each long group that spaces set apart
 * ("4242424242424242 12/26" is a card and its expiry), but never one hyphenated to its neighbours
 * ("112-4242424242424242" is one reference) nor a group-aligned slice of a longer grouped number.
 */
function candidates(text: string, run: DigitRun): Candidate[] {
  if (run.groups.length === 1 || USUAL_GROUPING.test(groupShape(run))) {
    return [{ start: run.start, end: run.end, digits: run.groups.join('') }];
  }
  return run.groups
    .map((digits, i) => {
      const start = run.groupStarts[i] ?? run.start;
      return { start, end: start + digits.length, digits };
    })
    .filter(({ start, end }) => text.charAt(start - 1) !== '-' && text.charAt(end) !== '-');
}

export function detectPaymentCards({ text, runs }: DetectorInput): Hit[] {
  const hits: Hit[] = [];
  for (const run of runs) {
    for (const { start, end, digits } of candidates(text, run)) {
      const issuer = issuerOf(digits);
      if (!issuer || !luhnValid(digits)) continue;
      const label = `Payment card number (${issuer.name})`;
      hits.push({ detector: 'payment-card', label, masked: `card ending ${ending(digits)}`, start, end });
    }
  }
  return hits;
}
