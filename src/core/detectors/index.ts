/**
 * Content detectors: classify a message's text in the client so that the body never has to leave it. Each
 * detector is a pure function of the text (tokenised once for all of them); this module runs them all, keeps one
 * finding per span, and adds line numbers. Nothing here throws on any text, and every pattern is linear, so a hostile body costs bounded time.
 */
import { systemClock, type Clock } from '../clock';
import { SendguardError } from '../errors';
import type { DetectorId } from '../policy/schema';
import { detectAbaRouting } from './aba-routing';
import { detectBankAccounts } from './bank-account';
import { detectDatesOfBirth } from './date-of-birth';
import { detectDriversLicences } from './drivers-licence';
import type { DetectorInput, Finding, Hit } from './finding';
import { detectIbans } from './iban';
import { detectPaymentCards } from './payment-card';
import { detectSsn } from './ssn';
import { prepareInput } from './tokens';

export type { Finding } from './finding';
export { KEYWORD_WINDOW } from './keyword-context';

/** 2 MB of text: far beyond any message a person writes, small enough to scan in well under a second. */
export const DEFAULT_MAX_CHARS = 2_000_000;

export interface DetectOptions {
  /** Only the first maxChars characters are scanned; nothing past them is reported. */
  maxChars?: number;
  /** Today, for date-of-birth plausibility; injected so that results do not drift with the system clock. */
  clock?: Clock;
}

export interface ScanResult {
  findings: Finding[];
  /** True when the text was longer than maxChars: a caller that must fail closed cannot treat it as clean. */
  truncated: boolean;
}

type Detector = (input: DetectorInput) => Hit[];

/**
 * Most specific first. When two detectors claim overlapping text the earlier one keeps it: a Luhn-valid card
 * number after "account number:" is a card, nine digits that are a valid routing number after "routing" are not
 * also an account number.
 */
const DETECTORS: ReadonlyArray<readonly [DetectorId, Detector]> = [
  ['payment-card', detectPaymentCards],
  ['iban', detectIbans],
  ['ssn', detectSsn],
  ['aba-routing', detectAbaRouting],
  ['drivers-licence', detectDriversLicences],
  ['date-of-birth', detectDatesOfBirth],
  ['bank-account', detectBankAccounts],
];

const PRIORITY = new Map(DETECTORS.map(([id], index) => [id, index]));

function checkOptions(maxChars: number, now: Date): void {
  if (!Number.isSafeInteger(maxChars) || maxChars < 0) {
    throw new SendguardError(
      'DETECTOR_BAD_MAX_CHARS',
      `maxChars must be a non-negative integer, not ${maxChars}`,
    );
  }
  if (Number.isNaN(now.getTime()))
    throw new SendguardError('DETECTOR_BAD_NOW', 'the clock must give a valid date');
}

/** Sorted by start; where spans overlap, the higher-priority detector's hit stays and the other goes. */
function onePerSpan(hits: Hit[]): Hit[] {
  const priority = (hit: Hit) => PRIORITY.get(hit.detector) ?? DETECTORS.length;
  const sorted = [...hits].sort((a, b) => a.start - b.start || priority(a) - priority(b));
  const kept: Hit[] = [];
  for (const hit of sorted) {
    const last = kept[kept.length - 1];
    if (!last || hit.start >= last.end) kept.push(hit);
    else if (priority(hit) < priority(last)) kept[kept.length - 1] = hit;
  }
  return kept;
}

/** Adds 1-based line numbers in one pass; "\r\n", "\n" and a lone "\r" each end a line. */
function withLines(text: string, hits: Hit[]): Finding[] {
  let line = 1;
  let position = 0;
  return hits.map((hit) => {
    for (; position < hit.start; position += 1) {
      const char = text.charAt(position);
      if (char === '\n' || (char === '\r' && text.charAt(position + 1) !== '\n')) line += 1;
    }
    return { ...hit, line };
  });
}

/** Every finding in the first maxChars characters of the text, and whether the text went on past them. */
export function scan(text: string, options: DetectOptions = {}): ScanResult {
  const { maxChars = DEFAULT_MAX_CHARS, clock = systemClock } = options;
  const now = new Date(clock.now());
  checkOptions(maxChars, now);
  const scanned = text.length > maxChars ? text.slice(0, maxChars) : text;
  const input = prepareInput(scanned, now);
  const hits = DETECTORS.flatMap(([, detector]) => detector(input));
  return { findings: withLines(scanned, onePerSpan(hits)), truncated: scanned.length < text.length };
}

/** The findings alone, sorted by start, one per distinct span. Use `scan` to learn whether the text was cut. */
export function detect(text: string, options?: DetectOptions): Finding[] {
  return scan(text, options).findings;
}
