/**
 * REGRESSIONS found by `npm run fuzz`: each input is the fuzzer's shrunk failure, grown to 16 KiB so that a
 * return of the quadratic behaviour is unmistakable (seconds, against a budget of about 12 ms) without making a
 * passing run slow. Typed errors are fine; only the time counts.
 */
import { parsePolicy } from '../../src/core/policy/parse';
import { parseStsPolicy, parseStsRecord } from '../../src/server/transport/mta-sts-parse';
import { parseTlsRptRecord } from '../../src/server/transport/tls-rpt';
import { bestCpuMs, budgetMs, DEFAULT_BUDGET } from './runner';

const SIZE = 16 * 1024;
const spaces = (n: number) => ' '.repeat(n);

async function expectWithinBudget(parse: () => unknown, bytes: number): Promise<void> {
  expect(await bestCpuMs(parse)).toBeLessThan(budgetMs(DEFAULT_BUDGET, bytes));
}

describe('fuzz regressions: white space runs before a missing separator (RFC 8461, RFC 8460)', () => {
  test('MTA-STS policy line: "mx: *.aa.a" then spaces and no line end', async () => {
    const text = `version: STSv1\nmode: enforce\nmx: *.aa.a${spaces(SIZE)}x`;
    await expectWithinBudget(() => parseStsPolicy(text), text.length);
  });

  test('MTA-STS record: "v=STSv1;=" then spaces, as one-character strings', async () => {
    const text = `v=STSv1;=${spaces(SIZE)}`;
    await expectWithinBudget(() => parseStsRecord([[...text]]), text.length);
  });

  test('TLS-RPT record: "v=TLSRPTv1;;aa" then spaces', async () => {
    const text = `v=TLSRPTv1;;aa${spaces(SIZE)}x`;
    await expectWithinBudget(() => parseTlsRptRecord([[text]]), text.length);
  });
});

describe('fuzz regressions: the policy file', () => {
  test.each([
    ['[', ''],
    ['[', ']'],
    ['{"a":', '}'],
  ])(
    'flow collections nested deep ("%s" 8,000 times), open or closed, are refused quickly',
    async (open, close) => {
      const text = `${open.repeat(8000)}1${close.repeat(8000)}`;
      expect(() => parsePolicy(text)).toThrow(/nests \[ \] or \{ \} more than 64 deep/);
      await expectWithinBudget(() => parsePolicy(text), text.length);
    },
  );
});

describe('fuzz regressions: the policy file, block nesting', () => {
  test('block collections nested thousands deep, which crashed Node on the second such document, are refused', () => {
    // `- ` 1,000 then 4,000 times in one process aborted Node (V8 compiling a regular expression at the stack limit).
    for (const depth of [1000, 4000]) {
      expect(() => parsePolicy(`${'- '.repeat(depth)}1`)).toThrow(/nested more than 64 deep/);
    }
    const indented = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}a:`).join('\r');
    expect(() => parsePolicy(indented)).toThrow(/nested more than 64 deep/);
  });
});
