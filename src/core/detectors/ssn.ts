/**
 * US Social Security numbers: "123-45-6789" or "123 45 6789" anywhere, nine bare digits only after an SSN
 * keyword. Numbers the SSA never issues are not reported (area 000, 666 and 900–999, group 00, serial 0000).
 */
import type { DetectorInput, Hit } from './finding';
import { keywordBefore } from './keyword-context';
import { maskShape } from './mask';
import { groupShape, type DigitRun } from './tokens';

const KEYWORD = /\b(?:ssns?\b|ss ?#|ss ?no\b|social[ -]security|soc\.? ?sec\b)/i;

/**
 * Published numbers that belong to nobody. 078-05-1120 (the Woolworth wallet card) and 219-09-9999 (an SSA
 * advertisement) were printed in millions; 123-45-6789 is the placeholder of every form and tutorial ("format:
 * 123-45-6789"). Flagging them would teach senders to dismiss the warning, and reporting them protects no one.
 */
const PUBLISHED = new Set(['078051120', '219099999', '123456789']);

function isIssuable(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  const group = digits.slice(3, 5);
  const serial = digits.slice(5);
  const validArea = area !== 0 && area !== 666 && area < 900;
  return validArea && group !== '00' && serial !== '0000' && !PUBLISHED.has(digits);
}

/** 3-2-4 stands on its own; nine bare digits need the keyword. */
function looksLikeSsn(text: string, run: DigitRun): boolean {
  const shape = groupShape(run);
  return shape === '3-2-4' || (shape === '9' && keywordBefore(text, run.start, KEYWORD));
}

export function detectSsn({ text, runs }: DetectorInput): Hit[] {
  const hits: Hit[] = [];
  for (const run of runs) {
    if (!looksLikeSsn(text, run) || !isIssuable(run.groups.join(''))) continue;
    const raw = text.slice(run.start, run.end);
    hits.push({
      detector: 'ssn',
      label: 'US Social Security number',
      masked: maskShape(raw),
      start: run.start,
      end: run.end,
    });
  }
  return hits;
}
