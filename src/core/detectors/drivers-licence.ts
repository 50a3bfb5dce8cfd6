/**
 * US driver's licence numbers after a licence keyword, in the shapes most states issue. Every shape is also an
 * ordinary reference number, so the keyword is required.
 */
import type { DetectorInput, Hit } from './finding';
import { keywordedHits, type KeywordedNumber } from './keyword-context';

/** "DL" and "DLN" cover "DL#", "DL no." and "DL:". */
const KEYWORD = /\b(?:driver[’']?s?[’']? ?licen[cs]e|driving licen[cs]e|operator[’']?s licen[cs]e|dln?\b)/i;

/**
 * The state shapes, separators removed: one letter and 7–8 digits (CA, NY, AZ, …); one letter and 11–14 digits
 * (IL 11; FL, MD, MI, MN 12; WI 13; NJ 14); two letters and six digits (OH); 7–9 digits (TX, PA, NY, GA, …).
 * Washington's WDL format mixes letters into the number and is not covered.
 */
const STATE_FORMAT = /^(?:[A-Z][0-9]{7,8}|[A-Z][0-9]{11,14}|[A-Z]{2}[0-9]{6}|[0-9]{7,9})$/;

const LICENCE_NUMBER: KeywordedNumber = {
  detector: 'drivers-licence',
  label: "Driver's licence number",
  keyword: KEYWORD,
  noun: 'licence',
  valueOf(run) {
    const compact = run.prefix + run.groups.join('');
    return STATE_FORMAT.test(compact) ? compact : undefined;
  },
};

export function detectDriversLicences({ text, runs, prefixedRuns }: DetectorInput): Hit[] {
  return keywordedHits(text, [...prefixedRuns, ...runs], LICENCE_NUMBER);
}
