/**
 * Domestic bank account numbers: 6–17 digits (the US range; most European domestic numbers fit too) after an
 * account keyword. Digits alone say nothing, so the keyword is required. Bare "account" is not a keyword: "your
 * account 4411 was credited" and "for account questions call 555-0199" are not bank details.
 */
import type { DetectorInput, Hit } from './finding';
import { keywordedHits, type KeywordedNumber } from './keyword-context';
import { isRepeatedDigit } from './tokens';

const KEYWORD =
  /\b(?:(?:bank|checking|savings|beneficiary) account|account ?(?:number|no\b|nr\b|#|:)|acct\b|a\/c\b|kontonummer|konto-?nr\b)/i;

const ACCOUNT_NUMBER: KeywordedNumber = {
  detector: 'bank-account',
  label: 'Bank account number',
  keyword: KEYWORD,
  noun: 'account',
  valueOf(run) {
    const digits = run.groups.join('');
    return digits.length < 6 || digits.length > 17 || isRepeatedDigit(digits) ? undefined : digits;
  },
};

export function detectBankAccounts({ text, runs }: DetectorInput): Hit[] {
  return keywordedHits(text, runs, ACCOUNT_NUMBER);
}
