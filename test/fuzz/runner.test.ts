/** The fuzz runner itself: it must catch what it exists to catch, or every target's pass means nothing. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { SendguardError } from '../../src/core/errors';
import { fuzz } from './runner';

const text = fc.string({ maxLength: 2000 });

describe('fuzz runner', () => {
  test("Sendguard's typed errors are allowed; the figures count every input", async () => {
    const figures = await fuzz(
      {
        name: 'always typed',
        inputs: text,
        size: (t) => t.length,
        parse: () => {
          throw new SendguardError('TEST_REFUSED', 'refused');
        },
      },
      200,
    );
    expect(figures).toMatchObject({ inputs: 200, failures: 0 });
    expect(figures.failure).toBeUndefined();
  });

  test('any other error fails, with the shrunk input written to a file', async () => {
    const figures = await fuzz(
      {
        name: 'type error on x',
        inputs: text,
        size: (t) => t.length,
        parse: (t) => {
          if (t.includes('x')) throw new TypeError('boom');
        },
      },
      2000,
    );
    expect(figures.failures).toBe(1);
    expect(figures.failure).toContain('TypeError: boom');
    expect(JSON.parse(readFileSync(figures.failureFile!, 'utf8')).input).toBe('x');
  });

  test('a quadratic parser fails its time budget', async () => {
    const quadratic = (t: string) => {
      let sum = 0;
      for (let i = 0; i < t.length; i++) for (let j = 0; j < t.length; j++) sum += t.charCodeAt(j) ^ i;
      return sum;
    };
    const figures = await fuzz(
      {
        name: 'quadratic',
        // Up to 4 KiB: 16 million steps, several times the 5 ms floor, and quick to shrink.
        inputs: fc.integer({ min: 0, max: 4096 }).map((n) => 'a'.repeat(n)),
        size: (t) => t.length,
        parse: quadratic,
      },
      200,
    );
    expect(figures.failure).toMatch(/ms of CPU at best of 5 runs; the budget is/);
  });
});
