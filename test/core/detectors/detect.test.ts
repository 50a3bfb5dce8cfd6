import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../helpers/clock';
import { DEFAULT_MAX_CHARS, detect, scan } from '../../../src/core/detectors';
import { SendguardError } from '../../../src/core/errors';

const AT_NOW = new ManualClock(Date.parse('2025-06-01T00:00:00Z'));

describe('detect', () => {
  test('findings are sorted by start across detectors', () => {
    const text = 'Card 4242424242424242, SSN 234-56-7890, IBAN DE89370400440532013000, DOB 04/12/1988';
    const findings = detect(text, { clock: AT_NOW });
    expect(findings.map((finding) => finding.detector)).toEqual([
      'payment-card',
      'ssn',
      'iban',
      'date-of-birth',
    ]);
    expect(findings.map((finding) => finding.start)).toEqual(
      [...findings.map((f) => f.start)].sort((a, b) => a - b),
    );
  });

  test('one finding per span: a card after "account number" is a card, not also an account', () => {
    expect(detect('Account number: 4242424242424242').map((finding) => finding.detector)).toEqual([
      'payment-card',
    ]);
  });

  test('one finding per span: an IBAN after "account number" is an IBAN, not also an account', () => {
    const text = 'Account number: GB82 WEST 1234 5698 7654 32';
    expect(detect(text).map((finding) => finding.detector)).toEqual(['iban']);
  });

  test('one finding per span: nine digits valid as SSN and as routing number are reported once', () => {
    expect(detect('SSN or routing number: 021100015').map((finding) => finding.detector)).toEqual(['ssn']);
  });

  test('line numbers are 1-based and count \\n, \\r\\n and a lone \\r', () => {
    const text = 'SSN 234-56-7890\nx\r\nSSN 234-56-7890\rSSN 234-56-7890';
    expect(detect(text).map((finding) => finding.line)).toEqual([1, 3, 4]);
  });

  test('offsets point at the number in the original text', () => {
    const text = 'Hello\nSSN: 234-56-7890.';
    const [finding] = detect(text);
    expect(text.slice(finding?.start, finding?.end)).toBe('234-56-7890');
  });

  test('nothing past maxChars is reported, and scan says the text was cut', () => {
    const text = `${'x'.repeat(100)} SSN 234-56-7890`;
    expect(scan(text, { maxChars: 100 })).toEqual({ findings: [], truncated: true });
    expect(scan(text, { maxChars: text.length })).toMatchObject({
      truncated: false,
      findings: [{ detector: 'ssn' }],
    });
  });

  test('the default limit is 2 MB of text', () => {
    expect(DEFAULT_MAX_CHARS).toBe(2_000_000);
    const text = `${'x'.repeat(DEFAULT_MAX_CHARS)} SSN 234-56-7890`;
    expect(scan(text)).toEqual({ findings: [], truncated: true });
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'maxChars %p is refused with a typed error',
    (maxChars) => {
      expect(() => detect('x', { maxChars })).toThrow(SendguardError);
      expect(() => detect('x', { maxChars })).toThrow(
        expect.objectContaining({ code: 'DETECTOR_BAD_MAX_CHARS' }),
      );
    },
  );

  test('a clock that gives no valid date is refused with a typed error', () => {
    expect(() => detect('x', { clock: new ManualClock(Number.NaN) })).toThrow(
      expect.objectContaining({ code: 'DETECTOR_BAD_NOW' }),
    );
  });

  test('no finding echoes the number it found (checked over the whole corpus)', () => {
    const fixtures = join(__dirname, '../../fixtures/detectors');
    for (const file of readdirSync(fixtures).filter((name) => name.endsWith('.txt'))) {
      const text = readFileSync(join(fixtures, file), 'utf8');
      for (const finding of detect(text, { clock: AT_NOW })) {
        const value = text.slice(finding.start, finding.end).replace(/[^0-9A-Za-z]/g, '');
        const shown = finding.masked.replace(/[^0-9]/g, '');
        expect(shown.length).toBeLessThanOrEqual(Math.min(4, value.length / 2));
        expect(value.endsWith(shown)).toBe(true);
      }
    }
  });
});
