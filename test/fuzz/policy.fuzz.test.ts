/** Fuzz: the organisation policy file, YAML or JSON (parsePolicy): the shipped policy mutated, deep nesting, aliases. */
import fc from 'fast-check';
import { parsePolicy } from '../../src/core/policy/parse';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_INPUT, run, textInputs } from './generators';
import { fuzzTest, type Budget } from './runner';

const shipped = readFileSync(path.join(__dirname, '..', '..', 'config', 'policy.yaml'), 'utf8');

/** Nesting `depth` deep in one of YAML's (or JSON's) ways, closed or left open. */
const deep = fc
  .tuple(
    fc.constantFrom(['[', ']'], ['{a: ', '}'], ['- ', ''], ['a:\n ', ''], ['{"a":', '}'], ['? ', '']),
    fc.integer({ min: 1, max: 20_000 }),
    fc.boolean(),
  )
  .map(([[open, close], depth, closed]) =>
    (open.repeat(depth) + '1' + (closed ? close.repeat(depth) : '')).slice(0, MAX_INPUT),
  );

/** Anchors and aliases: a chain of lists each aliasing the one before (a "billion laughs" in miniature). */
const aliases = fc.integer({ min: 1, max: 200 }).map((n) => {
  const lines = ['a0: &a0 [x, x]'];
  for (let i = 1; i < n; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
  return lines.join('\n');
});

const policyText = fc.oneof(
  textInputs(
    fc.oneof(fc.constant(shipped), fc.constant(JSON.stringify({ schema: 1 }))),
    ' -:[]{}&*!|>\'"#?,\n\t%@`',
    fc.constantFrom(' ', '- ', '[', '{', ':', '&a ', '*a ', '!!str ', '"', "'", '#', '\n', '\t', '? ', 'a: '),
  ),
  deep,
  aliases,
  run(fc.constantFrom('"\\u0000', "'''", '\\', 'a'.repeat(100))),
);

/**
 * Not the design's 50 ms per 64 KiB: the `yaml` library reads about 2 µs a byte of an ordinary policy, and 4 to
 * 6 µs a byte of one full of errors (every duplicate key or stray quote builds an error object) or aliases,
 * linearly; inside the fuzzing process, with its large heap, short error-dense documents measure up to three
 * times that. The policy is a local file its admin writes, read at start, so this budget only guards against
 * worse than linear: 800 ms per 64 KiB, 50 ms at least.
 */
const POLICY_BUDGET: Budget = { floorMs: 50, msPer64KiB: 800 };

fuzzTest({
  name: 'policy file',
  budget: POLICY_BUDGET,
  inputs: fc.tuple(policyText, fc.constantFrom('yaml' as const, 'json' as const)),
  size: ([text]) => Buffer.byteLength(text),
  parse: ([text, format]) => parsePolicy(text, format),
});
