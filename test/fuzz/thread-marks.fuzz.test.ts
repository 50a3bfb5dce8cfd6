/**
 * Fuzz: what shows that the message a reply or forward was made from arrived protected (addin/thread/marks.ts) —
 * its text as a reply quotes it or Thunderbird gives it (armored OpenPGP messages, secure-pickup links, plain and
 * percent-encoded), and its headers (Content-Type, the classification header, the applied-protection record), all
 * chosen by whoever sent the original. Every mark is one of the known kinds with a well-formed name, and the
 * searches stay linear, a megabyte-sized quote within the design's per-input budget.
 */
import fc from 'fast-check';
import { marksInHeaders, marksInText, type ThreadMark } from '../../src/addin/thread/marks';
import { CLASSIFICATION_NAME } from '../../src/core/policy/limits';
import { chars, joined, textInputs, utf8Bytes } from './generators';
import { fuzzTest } from './runner';

const KINDS = new Set(['openpgp', 'smime', 'encrypted', 'pickup', 'classified']);

function checkMarks(marks: ThreadMark[]): void {
  for (const mark of marks) {
    if (!KINDS.has(mark.kind)) throw new Error(`unknown mark ${JSON.stringify(mark)}`);
    if (mark.kind === 'classified' && !CLASSIFICATION_NAME.test(mark.classification))
      throw new Error(`malformed classification ${JSON.stringify(mark.classification)}`);
  }
}

const quoted = joined(
  fc.oneof(
    fc.constantFrom(
      '-----BEGIN PGP MESSAGE-----',
      '-----begin pgp message----',
      '> -----BEGIN PGP MESSAGE-----',
      'https://sg.example/pickup/#r1.',
      'https://sg.example/pickup/#s1.AAAA',
      'https%3A%2F%2Fsg.example%2Fpickup%2F%23r1.',
      '/pickup/#',
      '%2Fpickup%2F%23',
    ),
    chars('abc -#/%.>\n', 20),
  ),
  fc.constantFrom('', ' ', '\n', '\n> '),
  30,
);

fuzzTest({
  name: 'a quoted or original text',
  inputs: textInputs(quoted, '-#/%.>', fc.constantFrom('-----', '/pickup/', '%2F', '#r1.', '> ')),
  size: utf8Bytes,
  parse: marksInText,
  check: checkMarks,
});

const headerValue = fc.oneof(
  fc.constantFrom(
    'multipart/encrypted; protocol="application/pgp-encrypted"; boundary=b',
    'application/pkcs7-mime; smime-type=enveloped-data',
    'MULTIPART/ENCRYPTED',
    'v=1; protection=pgp; classification=restricted; salt=ab; recipients=cd',
    'v=1; protection=escrow; classification=Restricted; salt=ab; recipients=cd',
    'restricted',
    ' confidential ',
    'A B',
  ),
  chars('abcv=;-/ "PGP', 40),
);
const headers = fc.record({
  'content-type': headerValue,
  'x-sendguard-classification': headerValue,
  'x-sendguard-applied': headerValue,
});

fuzzTest({
  name: 'an original’s protection headers',
  inputs: fc.oneof(
    headers,
    fc
      .tuple(headers, textInputs(headerValue, ';=" ', fc.constantFrom(';', '=', ' ', 'v=1; ')))
      .map(([h, long]) => ({ ...h, 'x-sendguard-applied': long })),
  ),
  size: (h) => utf8Bytes(Object.values(h).join('')),
  parse: (h: Record<string, string>) => marksInHeaders((name) => h[name.toLowerCase()]),
  check: checkMarks,
});
