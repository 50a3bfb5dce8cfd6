/**
 * Tokenising shared by the detectors, done once per scan: where each number starts and ends, and whether it
 * stands on its own. Runs are read by hand in one pass, without regular expressions over unbounded input, and
 * without allocating anything for digits that cannot be a number any detector looks for, so a hostile body of
 * two million digits costs one walk over it.
 */
import type { DetectorInput } from './finding';

const WORD_CHAR = /[0-9A-Za-z_\u00C0-\u024F]/;
/** Characters that join a number to its neighbour: a decimal point, a date's slash, an "INV-2025-" prefix. */
const JOINER = /[.,/-]/;

/** A run of more groups than a card's 4-4-4-4-3 is a list or a long identifier, not one number. */
const MAX_RUN_GROUPS = 5;
/** The shortest number recognisable without a keyword (a 13-digit card): all a long run can still hold. */
const MIN_SELF_EVIDENT_DIGITS = 13;

function freeBefore(text: string, start: number): boolean {
  const before = text.charAt(start - 1);
  return !WORD_CHAR.test(before) && !(JOINER.test(before) && WORD_CHAR.test(text.charAt(start - 2)));
}

function freeAfter(text: string, end: number): boolean {
  const after = text.charAt(end);
  return !WORD_CHAR.test(after) && !(JOINER.test(after) && WORD_CHAR.test(text.charAt(end + 1)));
}

/**
 * A number is standalone when no letter or digit touches it, directly or through a joiner: the digits in
 * "SKU4111111111111111", "v2.123456789", "INV-2025-000123" and "4111111111111111.5" are parts of something else.
 */
export function isStandalone(text: string, start: number, end: number): boolean {
  return freeBefore(text, start) && freeAfter(text, end);
}

export interface DigitRun {
  /** Where the run starts, its letter prefix included. */
  start: number;
  end: number;
  /** One to three capital letters glued to the front ("D" in "D1234567"); empty for a plain number. */
  prefix: string;
  /** The digit groups, in order: "4242 4242 4242 4242" has four. */
  groups: string[];
  /** The offset of each group in the text. */
  groupStarts: number[];
}

export interface Tokens {
  /**
   * Standalone runs of digit groups joined by one kind of separator, a single space or a single hyphen
   * ("4242 4242 4242 4242", "123-45-6789"). A change of separator ends a run: in "234-56-7890 4242424242424242"
   * and "Ref 12 234-56-7890" the SSN is a number of its own.
   */
  runs: DigitRun[];
  /** Runs that open with a short capital-letter prefix, the shape of many licence numbers. */
  prefixedRuns: DigitRun[];
}

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

function isCapitalAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 65 && code <= 90;
}

function groupEnd(text: string, start: number): number {
  let end = start;
  while (isDigitAt(text, end)) end += 1;
  return end;
}

function isSeparator(char: string): boolean {
  return char === ' ' || char === '-' || char === '\u00a0';
}

/** True when the group starting at `start` is followed by a hyphen and more digits. */
function hyphenatedAt(text: string, start: number): boolean {
  const end = groupEnd(text, start);
  return text.charAt(end) === '-' && isDigitAt(text, end + 1);
}

/**
 * Where the run's next group starts, if the group ending at `end` is followed by the run's separator and a digit.
 * Hyphens bind tighter than spaces: in "Ref 12 234-56-7890" the 234 opens a hyphenated number of its own.
 */
function nextGroupStart(text: string, end: number, separator: string): number | undefined {
  const char = text.charAt(end);
  if (char !== separator || !isSeparator(char) || !isDigitAt(text, end + 1)) return undefined;
  return separator !== '-' && hyphenatedAt(text, end + 1) ? undefined : end + 1;
}

/** The 1–3 capital letters glued before `start` that open the token ("D" in "D1234567"), or ''. */
function letterPrefix(text: string, start: number): string {
  let from = start;
  while (from > start - 4 && isCapitalAt(text, from - 1)) from -= 1;
  const prefix = text.slice(from, start);
  return prefix.length >= 1 && prefix.length <= 3 && freeBefore(text, from) ? prefix : '';
}

function toRun(text: string, starts: number[], ends: number[], prefix: string): DigitRun | undefined {
  const start = starts[0];
  const end = ends[ends.length - 1];
  if (start === undefined || end === undefined) return undefined;
  const groups = starts.map((groupStart, i) => text.slice(groupStart, ends[i]));
  return { start: start - prefix.length, end, prefix, groups, groupStarts: starts };
}

/**
 * A short run less any group at either end that belongs to a neighbouring token: in "4242424242424242 12/26" the
 * 12 is part of the expiry date, and the card stands alone without it. A letter prefix keeps the first group.
 */
function shortRun(text: string, starts: number[], ends: number[]): DigitRun | undefined {
  const prefix = letterPrefix(text, starts[0] ?? 0);
  let first = 0;
  let last = starts.length - 1;
  while (first <= last && !prefix && !freeBefore(text, starts[first] ?? 0)) first += 1;
  while (last >= first && !freeAfter(text, ends[last] ?? 0)) last -= 1;
  return toRun(text, starts.slice(first, last + 1), ends.slice(first, last + 1), first === 0 ? prefix : '');
}

/**
 * A long run's groups that stand alone as numbers: long enough to need no keyword, and set apart by spaces
 * (hyphens make groups parts of one identifier). Nothing is allocated for the others.
 */
function longRunNumbers(text: string, start: number, separator: string, runs: DigitRun[]): number {
  let groupStart: number | undefined = start;
  let end = start;
  while (groupStart !== undefined) {
    end = groupEnd(text, groupStart);
    const selfEvident = end - groupStart >= MIN_SELF_EVIDENT_DIGITS && separator !== '-';
    const run = selfEvident && isStandalone(text, groupStart, end) && toRun(text, [groupStart], [end], '');
    if (run) runs.push(run);
    groupStart = nextGroupStart(text, end, separator);
  }
  return end;
}

/** Reads the run starting at `start` into `tokens`; returns where the run ends. */
function readRun(text: string, start: number, tokens: Tokens): number {
  const starts: number[] = [];
  const ends: number[] = [];
  const separator = text.charAt(groupEnd(text, start));
  let groupStart: number | undefined = start;
  while (groupStart !== undefined && starts.length <= MAX_RUN_GROUPS) {
    const end = groupEnd(text, groupStart);
    starts.push(groupStart);
    ends.push(end);
    groupStart = nextGroupStart(text, end, separator);
  }
  if (starts.length > MAX_RUN_GROUPS) return longRunNumbers(text, start, separator, tokens.runs);
  const run = shortRun(text, starts, ends);
  if (run) (run.prefix ? tokens.prefixedRuns : tokens.runs).push(run);
  return ends[ends.length - 1] ?? start + 1;
}

/** The text's digit runs (numbers, possibly grouped by one separator), split into plain and prefixed ones. */
export function findNumberRuns(text: string): Tokens {
  const tokens: Tokens = { runs: [], prefixedRuns: [] };
  let position = 0;
  while (position < text.length) {
    position = isDigitAt(text, position) ? readRun(text, position, tokens) : position + 1;
  }
  return tokens;
}

/** What every detector is given: the text, the clock, and the text's numbers, tokenised once. */
export function prepareInput(text: string, now: Date): DetectorInput {
  return { text, now, ...findNumberRuns(text) };
}

/** The run's group lengths, "3-2-4" for "123-45-6789": how a number is written says what it may be. */
export function groupShape(run: DigitRun): string {
  return run.groups.map((group) => group.length).join('-');
}

/** "0000000000", "4444 4444 4444 4444": keyboard filler and test patterns rather than a real number. */
export function isRepeatedDigit(digits: string): boolean {
  return /^(\d)\1*$/.test(digits);
}
