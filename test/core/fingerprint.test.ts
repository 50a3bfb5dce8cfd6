import { FINGERPRINT_PATTERN, formatFingerprint } from '../../src/core/fingerprint';
import { Fingerprint } from '../../src/core/wire';

const V4 = '0123456789ABCDEF0123456789ABCDEF01234567';
const V6 = `${V4}89ABCDEF0123456789ABCDEF`;

describe('fingerprints', () => {
  test('v4 (40) and v6 (64) upper-case hexadecimal only', () => {
    expect(FINGERPRINT_PATTERN.test(V4)).toBe(true);
    expect(FINGERPRINT_PATTERN.test(V6)).toBe(true);
    expect(FINGERPRINT_PATTERN.test(V4.toLowerCase())).toBe(false);
    expect(FINGERPRINT_PATTERN.test(`${V4}89`)).toBe(false);
    expect(Fingerprint.safeParse(`${V4} `).success).toBe(false);
  });

  test('shown in groups of four, with no trailing space', () => {
    expect(formatFingerprint(V4)).toBe('0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567');
    expect(formatFingerprint('ABCDEF')).toBe('ABCD EF');
    expect(formatFingerprint('')).toBe('');
  });
});
