import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  HOP_TLS,
  TRANSPORT_SUMMARIES,
  transportReport,
  type ReceivedReport,
} from '../../../src/core/received';

/** A generous bound per report: a guard against super-linear patterns (seconds), not a benchmark. */
const BOUND_MS = 1000;

const FIXTURES = join(__dirname, '../../fixtures/received');
const corpus = readdirSync(FIXTURES)
  .filter((name) => name.endsWith('.eml'))
  .map((name) => readFileSync(join(FIXTURES, name), 'utf8'));

function assertShape(report: ReceivedReport): void {
  expect(TRANSPORT_SUMMARIES).toContain(report.summary);
  expect(report.caveats.length).toBeGreaterThan(0);
  for (const hop of report.hops) {
    expect(HOP_TLS).toContain(hop.tls);
    expect(hop.date === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(hop.date)).toBe(true);
    for (const key of ['from', 'by', 'with', 'dateRaw', 'version', 'cipher'] as const)
      expect(hop[key] === null || typeof hop[key] === 'string').toBe(true);
    expect(typeof hop.raw).toBe('string');
  }
  expect(() => JSON.stringify(report)).not.toThrow();
}

function timed(raw: string): ReceivedReport {
  const started = process.cpuUsage();
  const report = transportReport(raw);
  const { user, system } = process.cpuUsage(started);
  expect((user + system) / 1000).toBeLessThan(BOUND_MS);
  return report;
}

/** Pieces real Received fields are made of, so that random fields reach deep into the parser. */
const piece = fc.constantFrom(
  'from ',
  'by ',
  'with ',
  'id ',
  'for ',
  'via ',
  '; ',
  '(',
  ')',
  '[',
  ']',
  '<',
  '>',
  '"',
  '\\',
  ' ',
  '\t',
  '\r\n ',
  '\n',
  '\n\n',
  'Received: ',
  '127.0.0.1',
  '::1',
  'IPv6:',
  '192.0.2.1',
  'helo=',
  'HELO ',
  'ESMTPS',
  'ESMTP',
  'LMTP',
  'mapi',
  'local',
  'using TLSv1.3 with cipher ',
  'version=TLS1_2, cipher=',
  '(TLS1.3) tls ',
  ':256:NO)',
  'TLS: TLSv1.2,256bits,',
  ' encrypted)',
  ' encrypted SMTP',
  'tls TLS_AES_256_GCM_SHA384',
  'X=TLSv1.2:',
  ' verify=NO)',
  '(TLS)',
  'Microsoft SMTPSVC(6.0.3790.4675)',
  'mail pickup service',
  '[unix socket]',
  '[local]',
  'MailEnable ',
  '(Exim 4.96)',
  'ann@example.com@',
  'Microsoft SMTP Server',
  'Mon, 30 Nov 2026 10:02:03 +0000',
  '29 Feb 2025 99:99:99 -9999',
  'mx.example',
  'ö',
  '\u0000',
  '\u202e',
);
const received = fc.array(piece, { maxLength: 60 }).map((parts) => `Received: ${parts.join('')}\n`);

describe('transportReport on hostile input', () => {
  test('random text: never throws, always a valid report, bounded time', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => assertShape(timed(text))),
      { numRuns: 300 },
    );
  });

  test('random Received fields built from real pieces', () => {
    fc.assert(
      fc.property(fc.array(received, { maxLength: 8 }), (fields) => assertShape(timed(fields.join('')))),
      { numRuns: 500 },
    );
  });

  test('corpus messages with random cuts, insertions and deletions', () => {
    const mutated = fc
      .tuple(fc.constantFrom(...corpus), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }))
      .map(([text, at, length, insert]) => {
        const start = at % (text.length + 1);
        return text.slice(0, start) + insert + text.slice(start + (length % 50));
      });
    fc.assert(
      fc.property(mutated, (text) => assertShape(timed(text))),
      { numRuns: 500 },
    );
  });

  test.each([
    ['deeply nested comments', `Received: from a ${'('.repeat(200_000)}`],
    ['alternating parentheses', `Received: from a ${'()'.repeat(200_000)}`],
    ['a long run of keywords', `Received: ${'from by with '.repeat(40_000)}`],
    ['many semicolons', `Received: ${';'.repeat(400_000)}`],
    ['many bracketed almost-addresses', `Received: from a (${'[1.2.3.'.repeat(60_000)}) by b`],
    ['a long TLS-like run', `Received: from a (x) (${'using TLSv1.3 with cipher '.repeat(15_000)}) by b`],
    ['a long date-like run', `Received: from a by b; ${'30 Nov 2026 '.repeat(40_000)}`],
    [
      'many Received fields',
      'Received: from a (a [192.0.2.1]) by b with ESMTPS id X; 1 Jan 2026 00:00:00 +0000\n'.repeat(6000),
    ],
    ['a long folded field', `Received: from a\n${' x\n'.repeat(150_000)}`],
  ])('%s stays bounded', (_case, text) => {
    assertShape(timed(text));
  });
});
