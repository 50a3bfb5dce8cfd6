/**
 * Some numbers are only sensitive when the text says what they are: nine digits are an SSN after "SSN:", and an
 * order number anywhere else. This is the one place that decides what "near a keyword" means, and the one way
 * the detectors that need nothing more (account, routing and licence numbers) turn such numbers into hits.
 */
import type { DetectorId } from '../policy/schema';
import type { Hit } from './finding';
import { ending } from './mask';
import type { DigitRun } from './tokens';

/**
 * How far before a number its keyword may start, in characters. 40 covers a label and its punctuation
 * ("Social Security Number (SSN): ") with room to spare, yet not the previous sentence.
 */
export const KEYWORD_WINDOW = 40;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * True when `keyword` (a case-insensitive, non-global pattern) occurs entirely within the KEYWORD_WINDOW
 * characters before `start`. The window also stops at the closest digit before the number, because a keyword
 * labels the number that follows it: in "Account 12345678, routing 021000021" the routing number is not an
 * account number.
 */
export function keywordBefore(text: string, start: number, keyword: RegExp): boolean {
  const windowStart = Math.max(0, start - KEYWORD_WINDOW);
  let from = windowStart;
  for (let i = start - 1; i >= windowStart; i -= 1) {
    if (isDigit(text.charCodeAt(i))) {
      from = i + 1;
      break;
    }
  }
  return keyword.test(text.slice(from, start));
}

/** A kind of number that is sensitive only after its keyword, and how a sender is told of one. */
export interface KeywordedNumber {
  detector: DetectorId;
  label: string;
  keyword: RegExp;
  /** The number's name in the masked form: "account" gives "account ending 6789". */
  noun: string;
  /** The number a run holds when it has this kind's shape (its digits, or prefix and digits); else undefined. */
  valueOf(run: DigitRun): string | undefined;
}

/** The runs of this kind with the keyword before them, as hits that show only the number's ending. */
export function keywordedHits(text: string, runs: readonly DigitRun[], kind: KeywordedNumber): Hit[] {
  return runs.flatMap((run): Hit[] => {
    const value = kind.valueOf(run);
    if (value === undefined || !keywordBefore(text, run.start, kind.keyword)) return [];
    const masked = `${kind.noun} ending ${ending(value)}`;
    return [{ detector: kind.detector, label: kind.label, masked, start: run.start, end: run.end }];
  });
}
