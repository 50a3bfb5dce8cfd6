/**
 * Building blocks for grammar-aware fuzz inputs: sizes biased towards small documents with a tail up to 64 KiB,
 * token sequences, runs of one pathological unit, and mutations that swap, drop or repeat a grammar's own
 * separators. Strings are built by repeating and joining pieces, so a 64 KiB input costs no more to generate than
 * a short one.
 */
import fc from 'fast-check';

export const MAX_INPUT = 64 * 1024;

/** Mostly short inputs (where grammars have most of their branches), some medium, a few at the full 64 KiB. */
const lengths: fc.Arbitrary<number> = fc.oneof(
  { weight: 80, arbitrary: fc.integer({ min: 0, max: 256 }) },
  { weight: 17, arbitrary: fc.integer({ min: 257, max: 4096 }) },
  { weight: 3, arbitrary: fc.integer({ min: 4097, max: MAX_INPUT }) },
);

/** `unit` repeated to a generated length (cut to it exactly). */
export function run(
  unit: fc.Arbitrary<string>,
  length: fc.Arbitrary<number> = lengths,
): fc.Arbitrary<string> {
  return fc
    .tuple(unit, length)
    .map(([piece, n]) => (piece === '' ? '' : piece.repeat(Math.ceil(n / piece.length)).slice(0, n)));
}

/** A string from the given characters, short (fast-check builds long strings one character at a time). */
export function chars(alphabet: string, maxLength = 16): fc.Arbitrary<string> {
  return fc.array(fc.constantFrom(...alphabet), { maxLength }).map((list) => list.join(''));
}

/** A sequence of tokens joined by separators, each picked from its own arbitrary. */
export function joined(
  token: fc.Arbitrary<string>,
  separator: fc.Arbitrary<string>,
  maxTokens = 12,
): fc.Arbitrary<string> {
  return fc
    .array(fc.tuple(token, separator), { maxLength: maxTokens })
    .map((pairs) => pairs.map(([t, s]) => t + s).join(''));
}

/**
 * A document with a pathological run spliced in somewhere: `prefix + run + suffix`, the shape that makes a
 * backtracking pattern or a quadratic loop show (long whitespace before a missing separator, and so on).
 */
export function withRun(
  document: fc.Arbitrary<string>,
  unit: fc.Arbitrary<string>,
  length: fc.Arbitrary<number> = lengths,
): fc.Arbitrary<string> {
  return fc.tuple(document, run(unit, length), fc.nat(), fc.boolean()).map(([doc, middle, at, terminate]) => {
    const cut = doc.length === 0 ? 0 : at % (doc.length + 1);
    return doc.slice(0, cut) + middle + (terminate ? doc.slice(cut) : '');
  });
}

type Mutation = { kind: 'insert' | 'replace' | 'delete' | 'repeat'; at: number; text: string; times: number };

/** Small edits at random places: insert or replace with a grammar's special characters, delete, repeat a slice. */
export function mutated(document: fc.Arbitrary<string>, specials: string): fc.Arbitrary<string> {
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('insert', 'replace', 'delete', 'repeat'),
    at: fc.nat(),
    text: chars(specials, 4),
    times: fc.integer({ min: 1, max: 200 }),
  });
  return fc.tuple(document, fc.array(mutation, { maxLength: 4 })).map(([doc, edits]) =>
    edits.reduce((text, edit) => {
      const at = text.length === 0 ? 0 : edit.at % text.length;
      switch (edit.kind) {
        case 'insert':
          return text.slice(0, at) + edit.text + text.slice(at);
        case 'replace':
          return text.slice(0, at) + edit.text + text.slice(at + edit.text.length);
        case 'delete':
          return text.slice(0, at) + text.slice(at + 1 + (edit.times % 8));
        case 'repeat': {
          const slice = text.slice(at, at + 1 + (edit.times % 16));
          return text.slice(0, at) + slice.repeat(edit.times) + text.slice(at);
        }
      }
    }, doc),
  );
}

/** Caps a generated text at 64 KiB, as every parser under test sees at most that much at once here. */
function capped(text: fc.Arbitrary<string>, max = MAX_INPUT): fc.Arbitrary<string> {
  return text.map((t) => (t.length > max ? t.slice(0, max) : t));
}

/**
 * The usual mix for a text grammar: valid-ish documents mutated, documents with a pathological run spliced in,
 * pure runs of one unit, and arbitrary text.
 */
export function textInputs(
  document: fc.Arbitrary<string>,
  specials: string,
  units: fc.Arbitrary<string>,
): fc.Arbitrary<string> {
  return capped(
    fc.oneof(
      { weight: 4, arbitrary: mutated(document, specials) },
      { weight: 3, arbitrary: withRun(document, units) },
      { weight: 2, arbitrary: run(units) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
    ),
  );
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** JSON nested `depth` deep with one of the given opening and closing pairs, up to MAX_INPUT. */
export function deepJson(pairs: Array<[string, string]>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...pairs), fc.integer({ min: 1, max: 30_000 }))
    .map(([[open, close], depth]) => (open.repeat(depth) + '1' + close.repeat(depth)).slice(0, MAX_INPUT));
}
