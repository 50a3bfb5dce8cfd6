import {
  describeSummary,
  summarise,
  receivedReport,
  type Hop,
  type HopTls,
} from '../../../src/core/received';
import { MAX_HOPS } from '../../../src/core/received/report';

const hops = (...classes: HopTls[]) => classes.map((tls) => ({ tls }) as Hop);

const field = (by: string, protocol: string, time: string) =>
  `Received: from a.example (a.example [192.0.2.1]) by ${by} with ${protocol} id X; 30 Nov 2026 ${time} +0000\n`;

describe('receivedReport: the summary rules of docs/received-headers.md', () => {
  test.each<[HopTls[], string]>([
    [['tls1.3', 'tls1.2', 'tls'], 'all-tls'],
    [['local', 'tls1.3', 'local'], 'all-tls'],
    [['tls1.3', 'plain', 'unknown'], 'some-plain'],
    [['local', 'plain'], 'some-plain'],
    [['tls1.3', 'unknown'], 'unknown'],
    [['local', 'local'], 'unknown'],
    [[], 'unknown'],
  ])('%j → %s', (classes, summary) => {
    expect(summarise(hops(...classes))).toBe(summary);
  });

  test('hops run oldest first: the top field, prepended last, is the last hop', () => {
    const report = receivedReport(
      field('second.example', 'ESMTP', '10:00:02') + field('first.example', 'ESMTPS', '10:00:01'),
    );
    expect(report.hops.map((hop) => hop.by)).toEqual(['first.example', 'second.example']);
    expect(report.summary).toBe('some-plain');
  });

  test('the caveats say what a Received line cannot prove', () => {
    const { caveats } = receivedReport(field('b.example', 'ESMTPS', '10:00:00'));
    expect(caveats.join('\n')).toMatch(/make up the ones before it/);
    expect(caveats.join('\n')).toMatch(/own organisation's servers/);
    expect(caveats.join('\n')).toMatch(/own clock/);
  });

  test('a message without Received lines says so', () => {
    const report = receivedReport('Subject: draft\n\nbody');
    expect(report).toMatchObject({ hops: [], summary: 'unknown' });
    expect(report.caveats.join('\n')).toMatch(/no Received lines/);
  });

  test('times going backwards between hops are pointed out', () => {
    const report = receivedReport(
      field('b.example', 'ESMTPS', '09:00:00') + field('a.example', 'ESMTPS', '10:00:00'),
    );
    expect(report.caveats.join('\n')).toMatch(/go backwards/);
  });

  test(`at most ${MAX_HOPS} hops are read, the newest, and the report says so`, () => {
    const report = receivedReport(field('b.example', 'ESMTPS', '10:00:00').repeat(MAX_HOPS + 20));
    expect(report.hops).toHaveLength(MAX_HOPS);
    expect(report.caveats.join('\n')).toContain(
      `Only the newest ${MAX_HOPS} of ${MAX_HOPS + 20} Received lines`,
    );
  });

  test('Authentication-Results and ARC lines are not hops', () => {
    const report = receivedReport(
      'ARC-Authentication-Results: i=1; mx.example; spf=pass smtp.remote-ip=192.0.2.1\nAuthentication-Results: mx.example; spf=pass\nX-Received: by 10.0.0.1 with SMTP id x; 1 Jan 2026 00:00:00 +0000\n',
    );
    expect(report.hops).toEqual([]);
  });
});

describe('describeSummary: one line in plain words', () => {
  const report = (...classes: HopTls[]) => {
    const list = hops(...classes);
    return { hops: list, summary: summarise(list), caveats: [] };
  };

  test.each<[HopTls[], string]>([
    [['tls1.3', 'tls1.2', 'tls'], 'Encrypted on every hop the headers record (3 of 3).'],
    [
      ['local', 'tls1.3', 'local'],
      'Encrypted on every hop the headers record (1 of 1); 2 local hand-offs not counted.',
    ],
    [['tls1.3', 'plain', 'unknown'], 'NOT encrypted on 1 of 3 hops the headers record (hop 2).'],
    [
      ['unknown', 'tls1.2', 'unknown'],
      'No hop is recorded as unencrypted, but 2 of 3 do not record whether they used TLS (hops 1, 3).',
    ],
    [['local'], 'The headers record no hop between servers; 1 local hand-off not counted.'],
  ])('%j', (classes, line) => {
    expect(describeSummary(report(...classes))).toBe(line);
  });
});
