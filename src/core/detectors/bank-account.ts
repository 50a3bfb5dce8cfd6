/**
 * Domestic bank account numbers: 6–17 digits (the US range; most European domestic numbers fit too) after an
 * account keyword. Digits alone say nothing, so the keyword is required. Bare "account" is not a keyword: "your
 * account 4411 was credited" and "for account questions call 555-0199" are not bank details.
 */
import type { DetectorInput, Hit } from './finding';
import { keywordBefore } from './keyword-context';
import { ending } from './mask';
import { isRepeatedDigit } from './tokens';

const KEYWORD =
  /\b(?:(?:bank|checking|savings|beneficiary) account|account ?(?:number|no\b|nr\b|#|:)|acct\b|a\/c\b|kontonummer|konto-?nr\b)/i;

export function detectBankAccounts({ text, runs }: DetectorInput): Hit[] {
  const hits: Hit[] = [];
  for (const run of runs) {
    const digits = run.groups.join('');
    if (digits.length < 6 || digits.length > 17 || isRepeatedDigit(digits)) continue;
    if (!keywordBefore(text, run.start, KEYWORD)) continue;
    const masked = `account ending ${ending(digits)}`;
    hits.push({
      detector: 'bank-account',
      label: 'Bank account number',
      masked,
      start: run.start,
      end: run.end,
    });
  }
  return hits;
}
