/**
 * Dates of birth: a date after a birth keyword, in the common numeric and written forms, that is a real calendar
 * day no later than today and no more than 130 years ago. A date without the keyword is a meeting, an invoice
 * date or a timestamp.
 */
import type { DetectorInput, Hit } from './finding';
import { keywordBefore } from './keyword-context';
import { maskShape } from './mask';
import { isStandalone } from './tokens';

const KEYWORD = /\b(?:dob\b|d\.o\.b\b|date of birth|birth ?date|birthday|born(?: on)?\b|geburtsdatum|geb\.)/i;

const OLDEST_AGE_YEARS = 130;

/**
 * Three shapes, each of bounded length so matching stays linear:
 * 1–4 digits, separator, 1–2 digits, same separator, 2–4 digits ("04/12/1988", "1988-04-12", "12.04.88");
 * day, month name, year ("12 April 1988", "3rd Apr. 1988", "12-Apr-1988"); month name, day, year ("April 12, 1988").
 */
const DATE =
  /(\d{1,4})([/.-])(\d{1,2})\2(\d{2,4})|(\d{1,2})(?:st|nd|rd|th)?[ .-]{1,2}([A-Za-z]{3,9})[ .,-]{1,2}(\d{4})|([A-Za-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})/g;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** 1–12 for a month's English name or its three-letter (or "Sept") abbreviation; 0 for anything else. */
function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex((month) => month === lower || month.slice(0, 3) === lower);
  return lower === 'sept' ? 9 : index + 1;
}

interface Day {
  year: number;
  month: number;
  day: number;
}

/** A two-digit year is the most recent one not in the future: in 2025, "88" is 1988 and "07" is 2007. */
function fullYear(year: string, now: Date): number {
  if (year.length !== 2) return Number(year);
  const recent = 2000 + Number(year);
  return recent <= now.getUTCFullYear() ? recent : recent - 100;
}

/** The readings a match allows. A numeric date may be month-first or day-first; either is a birth date. */
function readings(match: RegExpMatchArray, now: Date): Day[] {
  const [, first, , second, third, day, monthName, year, monthFirst, dayAfter, yearAfter] = match;
  if (first !== undefined && second !== undefined && third !== undefined) {
    if (first.length > 2)
      return third.length <= 2 ? [{ year: Number(first), month: Number(second), day: Number(third) }] : [];
    if (third.length === 3) return [];
    const year = fullYear(third, now);
    return [
      { year, month: Number(first), day: Number(second) },
      { year, month: Number(second), day: Number(first) },
    ];
  }
  if (day !== undefined && monthName !== undefined && year !== undefined) {
    return [{ year: Number(year), month: monthNumber(monthName), day: Number(day) }];
  }
  if (monthFirst !== undefined && dayAfter !== undefined && yearAfter !== undefined) {
    return [{ year: Number(yearAfter), month: monthNumber(monthFirst), day: Number(dayAfter) }];
  }
  return [];
}

/** A real calendar day (no 31 April), not after `now`, not more than OLDEST_AGE_YEARS before it. */
export function isPlausibleBirthDate({ year, month, day }: Day, now: Date): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const oldest = Date.UTC(now.getUTCFullYear() - OLDEST_AGE_YEARS, now.getUTCMonth(), now.getUTCDate());
  return real && date.getTime() <= now.getTime() && date.getTime() >= oldest;
}

export function detectDatesOfBirth({ text, now }: DetectorInput): Hit[] {
  const hits: Hit[] = [];
  for (const match of text.matchAll(DATE)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (!readings(match, now).some((day) => isPlausibleBirthDate(day, now))) continue;
    if (!isStandalone(text, start, end) || !keywordBefore(text, start, KEYWORD)) continue;
    hits.push({
      detector: 'date-of-birth',
      label: 'Date of birth',
      masked: maskShape(match[0], 0),
      start,
      end,
    });
  }
  return hits;
}
