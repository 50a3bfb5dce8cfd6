/** Fuzz: a message's header block and its Received fields (receivedReport), from real MTAs' fields mutated. */
import fc from 'fast-check';
import { receivedReport } from '../../src/core/received';
import { chars, joined, textInputs } from './generators';
import { fixtureTexts } from './fixtures';
import { fuzzTest } from './runner';
import { assertReportShape } from '../core/received/report-shape';

const realHeaders = fixtureTexts('received', '.eml').map((eml) => eml.split(/\r?\n\r?\n/)[0]!);

const word = fc.oneof(
  fc.constantFrom(
    'from',
    'by',
    'with',
    'via',
    'id',
    'for',
    'ESMTPS',
    'ESMTP',
    'SMTP',
    'LMTP',
    'HTTP',
    'Postfix',
  ),
  fc.constantFrom(
    'TLSv1.3',
    'TLSv1.2',
    'version=TLS1_2',
    'cipher=ECDHE',
    '[127.0.0.1]',
    '[::1]',
    '<a@b.example>',
  ),
  chars('abc.-[]:0123456789', 12),
);
const comment = fc
  .tuple(fc.integer({ min: 1, max: 3 }), joined(word, fc.constant(' '), 4))
  .map(([depth, inner]) => '('.repeat(depth) + inner + ')'.repeat(depth));
const receivedValue = joined(fc.oneof(word, comment), fc.constantFrom(' ', '\r\n\t', '\n ', '  '), 16).map(
  (value) => `${value}; Mon, 30 Nov 2026 10:02:05 +0000`,
);
const generated = fc
  .array(receivedValue, { minLength: 1, maxLength: 8 })
  .map((values) => values.map((v) => `Received: ${v}`).join('\r\n'));

fuzzTest({
  name: 'Received headers',
  inputs: textInputs(
    fc.oneof(fc.constantFrom(...realHeaders), generated),
    '()<>[];: \t\r\n"\\=',
    fc.constantFrom(
      '(',
      ')',
      '((',
      ' ',
      '\t',
      '\r\n ',
      '\n',
      '<',
      '"',
      '\\',
      'Received: ',
      '[',
      '; ',
      'with ',
      'a.',
    ),
  ),
  size: (text) => Buffer.byteLength(text),
  parse: receivedReport,
  check: assertReportShape,
});
