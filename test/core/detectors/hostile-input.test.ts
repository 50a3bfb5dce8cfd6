import { DEFAULT_MAX_CHARS, detect, scan } from '../../../src/core/detectors';
import { bestCpuMs } from '../../fuzz/runner';

/** A generous bound: a guard against catastrophic backtracking (minutes, not seconds), not a benchmark. */
const BOUND_MS = 2000;

/** `unit` repeated to exactly DEFAULT_MAX_CHARS characters. */
const twoMegabytesOf = (unit: string) =>
  unit.repeat(Math.ceil(DEFAULT_MAX_CHARS / unit.length)).slice(0, DEFAULT_MAX_CHARS);

/** A deterministic pseudo-random source (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('hostile input', () => {
  test.each([
    ['one long digit run', '4'],
    ['digits joined by single spaces', '4 '],
    ['digits joined by single hyphens', '42-'],
    ['repeated keywords without numbers', 'SSN routing account number DOB DL# '],
    [
      'keywords each followed by a number',
      'SSN 234567890 routing 021000021 Account number: 12345678 DL: D1234567 ',
    ],
    ['IBAN-like starts that never finish', 'DE89 3704 0044 0532 0130 0 '],
    ['upper-case alphanumerics', 'DE89AB12'],
    ['date-like fragments', '12/12/12/12-12.'],
    ['month-name-like words before digits', 'Septembers 12 1988 '],
    ['valid numbers back to back', '4242424242424242 DE89370400440532013000 234-56-7890 '],
  ])('2 MB of %s is scanned in bounded time', async (_name, unit) => {
    // CPU time, best of a few runs: a collector pause in a busy jest worker is not backtracking.
    const text = twoMegabytesOf(unit);
    expect(await bestCpuMs(() => scan(text), BOUND_MS)).toBeLessThan(BOUND_MS);
  });

  test('random text of every character class never throws', () => {
    const next = random(20250601);
    const alphabet =
      '0123456789 -/.,:#\n\rABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz\u00a0\u2019\ud800\udc00é';
    for (let round = 0; round < 200; round += 1) {
      const length = Math.floor(next() * 2000);
      let text = '';
      for (let i = 0; i < length; i += 1) text += alphabet.charAt(Math.floor(next() * alphabet.length));
      expect(() => detect(text)).not.toThrow();
    }
  });

  test('a lone surrogate or a NUL character is just text', () => {
    expect(detect('\ud800SSN 234-56-7890\u0000')).toHaveLength(1);
  });

  test('the empty string has no findings', () => {
    expect(scan('')).toEqual({ findings: [], truncated: false });
  });
});
