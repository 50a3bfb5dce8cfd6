import { detectBankAccounts } from '../../../src/core/detectors/bank-account';
import { hits, spans } from './helpers';

const found = (text: string) => spans(detectBankAccounts, text);

describe('bank account numbers', () => {
  test.each([
    'Account number: ',
    'account no. ',
    'Account #',
    'Account: ',
    'Bank account ',
    'checking account ',
    'savings account ',
    'Beneficiary account ',
    'Acct ',
    'acct. no. ',
    'A/C ',
    'Kontonummer ',
    'Konto-Nr. ',
  ])('digits count after the keyword %j', (keyword) => {
    expect(found(`${keyword}4830019274`)).toEqual(['4830019274']);
  });

  test('bare "account" is not a keyword', () => {
    expect(found('your account 4830019274 was credited')).toEqual([]);
    expect(found('for account questions call 555-0199')).toEqual([]);
  });

  test('6 to 17 digits are an account number; 5 and 18 are not', () => {
    expect(found('Account number: 123456')).toEqual(['123456']);
    expect(found('Account number: 12345678901234567')).toEqual(['12345678901234567']);
    expect(found('Account number: 12345')).toEqual([]);
    expect(found('Account number: 123456789012345678')).toEqual([]);
  });

  test('an account number in evenly separated groups is found whole', () => {
    expect(found('Account number: 1234-567890')).toEqual(['1234-567890']);
  });

  test('filler such as 000000 is not an account number', () => {
    expect(found('Account number: 000000')).toEqual([]);
  });

  test('the mask never shows more than half of a short number', () => {
    expect(hits(detectBankAccounts, 'Account number: 123456')[0]?.masked).toBe('account ending 456');
    expect(hits(detectBankAccounts, 'Account number: 31926819')[0]?.masked).toBe('account ending 6819');
  });
});
