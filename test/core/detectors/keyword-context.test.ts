import { KEYWORD_WINDOW, keywordBefore } from '../../../src/core/detectors/keyword-context';

const KEYWORD = /\bssn\b/i;

/** The text with the keyword placed `gap` characters before the number, and the number's offset. */
function placed(gap: number): [string, number] {
  const text = `SSN${' '.repeat(gap)}234567890`;
  return [text, text.indexOf('2')];
}

describe('keyword within the window before a number', () => {
  test('the window is 40 characters', () => {
    expect(KEYWORD_WINDOW).toBe(40);
  });

  test('a keyword ending right before the number counts', () => {
    expect(keywordBefore(...placed(0), KEYWORD)).toBe(true);
  });

  test('a keyword that starts exactly 40 characters before the number counts; one more does not', () => {
    expect(keywordBefore(...placed(KEYWORD_WINDOW - 3), KEYWORD)).toBe(true);
    expect(keywordBefore(...placed(KEYWORD_WINDOW - 2), KEYWORD)).toBe(false);
  });

  test('matching is case-insensitive as the pattern says', () => {
    expect(keywordBefore('ssn: 234567890', 5, KEYWORD)).toBe(true);
  });

  test('a keyword after the number does not count', () => {
    expect(keywordBefore('234567890 is my SSN', 0, KEYWORD)).toBe(false);
  });

  test('a keyword labels the next number only: another digit in between ends the window', () => {
    const text = 'SSN 234-56-7890, order 345678901';
    expect(keywordBefore(text, text.indexOf('345678901'), KEYWORD)).toBe(false);
  });
});
