/**
 * A policy text is judged as the policy file is, and each problem is placed where an admin finds it in the text.
 */
import { readFileSync } from 'node:fs';
import { checkPolicyText } from '../../../src/server/admin-policy/check';
import { policyVersion } from '../../../src/server/api/policy';
import { DEFAULT_POLICY_FILE, defaultPolicy } from '../../helpers/policy';

const shipped = readFileSync(DEFAULT_POLICY_FILE, 'utf8');
/** The one-based line of the first occurrence of `text` in `within`. */
const lineOf = (within: string, text: string) => within.slice(0, within.indexOf(text)).split('\n').length;

test('the shipped policy is valid, with the version /assess reports for it', () => {
  expect(checkPolicyText(shipped)).toEqual({
    valid: true,
    policy: defaultPolicy(),
    version: policyVersion(defaultPolicy()),
    errors: [],
  });
});

test('a YAML syntax error is placed at the line and column where the parser stopped', () => {
  const text = `${shipped}\nlabels: [Secret, Internal\n`;
  const result = checkPolicyText(text);
  expect(result.valid).toBe(false);
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors;
  expect(error!.message).toMatch(/^The policy is not valid YAML: /);
  expect(error!.path).toBeUndefined();
  expect(error!.line).toBeGreaterThanOrEqual(lineOf(text, 'labels: [Secret'));
  expect(error!.column).toBeGreaterThanOrEqual(1);
});

test('a key written twice in one mapping is refused at the second, as the YAML parser itself would', () => {
  const text = shipped.replace(/^escrow:\n/m, 'escrow:\n  enabled: false\n');
  expect(checkPolicyText(text).errors).toEqual([
    {
      message: expect.stringContaining('Map keys must be unique'),
      line: lineOf(text, 'escrow:\n') + 2,
      column: 3,
    },
  ]);
});

test('a schema error names its path and the line and column of that field', () => {
  const text = shipped.replace('    requirement: end-to-end', '    requirement: strongest');
  const line = lineOf(text, 'requirement: strongest');
  const result = checkPolicyText(text);
  expect(result.errors).toEqual([
    expect.objectContaining({ path: 'classifications[2].requirement', line, column: 5 }),
  ]);
});

test('an unknown key is placed at the mapping that holds it; a missing one at the document it is missing from', () => {
  const misspelt = shipped.replace(/^escrow:\n/m, 'escrow:\n  expiryDay: 3\n');
  expect(checkPolicyText(misspelt).errors).toEqual([
    expect.objectContaining({ path: 'escrow', line: lineOf(misspelt, 'escrow:\n'), column: 1 }),
  ]);
  const missing = shipped.replace(/^organisation: .*\n/m, '');
  expect(checkPolicyText(missing).errors).toEqual([
    expect.objectContaining({ path: 'organisation', line: lineOf(missing, 'schema: 1'), column: 1 }),
  ]);
});

test('text over the size cap is refused whole, without parsing it for places', () => {
  const result = checkPolicyText(`# ${'x'.repeat(1024 * 1024)}\n${shipped}`);
  expect(result.errors).toEqual([{ message: expect.stringMatching(/^The policy is over /) }]);
});

describe('a text at the size cap is checked within a budget of 10 seconds, whatever its shape (an ordinary policy in milliseconds)', () => {
  const atCap = (line: (i: number) => string) => {
    const lines: string[] = [];
    let size = shipped.length + 16;
    for (let i = 0; size < 1024 * 1024 - 64; i++) {
      lines.push(line(i));
      size += lines[lines.length - 1]!.length + 1;
    }
    return shipped.replace(/^labels:\n/m, `labels:\n${lines.join('\n')}\n`);
  };
  test.each([
    ['every label valid', (i: number) => `  Label ${i}: confidential`, 0],
    ['every label naming no classification', (i: number) => `  Label ${i}: Nope`, 100],
    ['a syntax error at the end', (i: number) => `  Label ${i}: confidential`, 1],
  ] as const)('%s', (_name, line, problems) => {
    let text = atCap(line);
    if (problems === 1) text = `${text}labels2: [unclosed\n`;
    const started = performance.now();
    const result = checkPolicyText(text);
    const elapsed = performance.now() - started;
    expect(result.errors).toHaveLength(problems);
    if (problems > 1)
      expect(result.errors[99]).toMatchObject({ path: 'labels.Label 99', line: expect.any(Number) });
    expect(elapsed).toBeLessThan(10_000);
    process.stdout.write(`check of ${text.length} characters, ${_name}: ${Math.round(elapsed)} ms\n`);
  });
});
