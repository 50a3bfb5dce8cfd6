/**
 * Fuzz: key material as WKD, VKS, DNS and uploads deliver it (readKeyBlock): real armored keys mutated, their
 * binary packets mutated (a WKD body), armor framing repeated or left open, and arbitrary bytes.
 */
import fc from 'fast-check';
import { readKeyBlock } from '../../src/server/keys/key-read';
import { MAX_INPUT, mutated, run, withRun } from './generators';
import { fixtureTexts } from './fixtures';
import { fuzzTest, type Budget } from './runner';

const armored = fixtureTexts('keys', '.asc');

/** The packets inside an armor block: the base64 lines between the blank line and the `=` checksum line. */
function dearmor(text: string): Uint8Array {
  const lines = text.split(/\r?\n/);
  const body = lines
    .slice(lines.indexOf('') + 1)
    .filter((line) => line !== '' && !line.startsWith('=') && !line.startsWith('-----'));
  return Buffer.from(body.join(''), 'base64');
}
const binary = armored.map(dearmor);

const BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n';
const END = '-----END PGP PUBLIC KEY BLOCK-----\n';

const armoredText = fc.oneof(
  { weight: 4, arbitrary: mutated(fc.constantFrom(...armored), '-=:\n\r ABCabc019+/') },
  {
    weight: 2,
    arbitrary: withRun(
      fc.constantFrom(...armored),
      fc.constantFrom(BEGIN, END, '\n', '=', 'A', ' ', '-----', `${BEGIN}\n`),
    ),
  },
  {
    weight: 1,
    arbitrary: run(fc.constantFrom(BEGIN, `${BEGIN}\nAAAA\n`, `${BEGIN}${END}`, '-----BEGIN PGP ')),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...armored), { minLength: 2, maxLength: 20 })
      .map((keys) => keys.join('\n')),
  },
);

type Edit = { at: number; kind: 'flip' | 'cut' | 'splice' | 'length'; value: number; bytes: Uint8Array };
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('flip', 'cut', 'splice', 'length'),
  value: fc.nat({ max: 0xffffffff }),
  bytes: fc.uint8Array({ maxLength: 16 }),
});

/** Byte edits on a key's packets, including packet length fields set to anything (the second octet onward). */
function applyEdit(bytes: Uint8Array, e: Edit): Uint8Array {
  const at = bytes.length === 0 ? 0 : e.at % bytes.length;
  const copy = Buffer.from(bytes);
  switch (e.kind) {
    case 'flip':
      if (copy.length > 0) copy[at] = copy[at]! ^ (1 << (e.value % 8));
      return copy;
    case 'cut':
      return copy.subarray(0, at);
    case 'splice':
      return Buffer.concat([copy.subarray(0, at), e.bytes, copy.subarray(at)]);
    case 'length':
      if (at + 4 < copy.length) copy.writeUInt32BE(e.value, at);
      return copy;
  }
}

const binaryBody = fc.oneof(
  fc
    .tuple(fc.constantFrom(...binary), fc.array(edit, { maxLength: 4 }))
    .map(([b, es]) => es.reduce(applyEdit, b)),
  fc
    .tuple(fc.constantFrom(...binary), fc.integer({ min: 1, max: 200 }))
    .map(([b, n]) => Buffer.concat(Array.from({ length: n }, () => b)).subarray(0, MAX_INPUT)),
  fc.uint8Array({ maxLength: 4096 }),
);

/**
 * Not the design's 50 ms per 64 KiB: reading a key verifies nothing yet but still decodes every packet and
 * parses its public-key material in openpgp.js, which costs 0.5 to 1.5 ms per certificate however small (the
 * spread is the JIT and the collector: one 5 KiB input of 13 small certificates measured 7 to 21 ms of CPU in
 * one process, and 27 ms at best of five on a loaded machine; a 7.7 KiB body of small certificates measured 3 to
 * 42 ms alone and 50.3 ms at best of five during a full run). Sixty-four KiB of the smallest certificates is some
 * 200 of them. Full runs with the browser tests running beside this one measured 12.2 to 13.9 ms per KiB at best
 * of five (780 to 890 ms per 64 KiB) on inputs dense with small certificates. Budget: 100 ms floor, 1200 ms per
 * 64 KiB — still linear (a parser quadratic in its input would take seconds at 64 KiB), with room for that spread.
 */
const KEY_BUDGET: Budget = { floorMs: 100, msPer64KiB: 1200 };

fuzzTest({
  name: 'OpenPGP keys (armored text, WKD bodies)',
  inputs: fc.oneof(
    armoredText.map((t) => t.slice(0, MAX_INPUT)),
    binaryBody,
  ),
  size: (data) => (typeof data === 'string' ? Buffer.byteLength(data) : data.length),
  parse: readKeyBlock,
  budget: KEY_BUDGET,
});
