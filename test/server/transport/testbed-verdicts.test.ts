/**
 * Every case of the offline test bed (real nsd, unbound, Postfix and HTTPS policy hosts) gets the verdict its
 * description promises, and every verdict word of DESIGN.md is produced by at least one case.
 */
import type { TransportService } from '../../../src/server/transport/service';
import { bedTransportService } from '../../helpers/bed-services';
import type { TransportReport } from '../../../src/server/transport/report';
import { TRANSPORT_VERDICTS } from '../../../src/core/vocabulary';
import { testbed, testbedCases } from '../../helpers/testbed';

const cases = testbedCases();
const reports = new Map<string, TransportReport>();
let service: TransportService;

beforeAll(async () => {
  const bed = testbed();
  service = bedTransportService(bed);
  const all = await Promise.all(cases.map((c) => service.report(c.domain)));
  all.forEach((report) => reports.set(report.domain, report));
}, 60_000);

describe('transport verdicts on the offline test bed', () => {
  test.each(cases.map((c) => [c.domain, c.expect, c.about]))('%s is %s (%s)', (domain, expected) => {
    const report = reports.get(domain)!;
    expect({ domain, verdict: report.verdict, reason: report.reasons[0] }).toEqual({
      domain,
      verdict: expected,
      reason: expect.any(String),
    });
  });

  test('every verdict word is produced by some case', () => {
    const produced = new Set([...reports.values()].map((r) => r.verdict));
    expect([...TRANSPORT_VERDICTS].filter((v) => !produced.has(v))).toEqual([]);
  });

  test('bad servers never hold a check past its deadline', () => {
    for (const report of reports.values()) expect(report.timings.totalMs).toBeLessThan(6500);
  });

  test('the evidence names TLS version, cipher, trust, name match and the DANE match per MX address', () => {
    const dane = reports.get('dane-ee.sendguard.test')!;
    const address = dane.mx[0]!.addresses[0]!;
    expect(address).toMatchObject({ verdict: 'authenticated', authentication: 'dane', starttls: true });
    expect(address.tls).toMatchObject({
      version: 'TLSv1.3',
      certificate: { trusted: true, nameMatches: true },
    });
    expect(dane.mx[0]!.dane).toMatchObject({
      state: 'secure',
      records: [{ usage: 3, selector: 1, matchingType: 1 }],
    });
    expect(dane.tlsRpt).toMatchObject({ state: 'record', rua: [expect.stringMatching(/^mailto:/)] });
    expect(dane.mxSecure).toBe(true);
  });

  test('RFC 8460 result types name the failures', () => {
    const mismatch = reports.get('sts-mx-badcert.sendguard.test')!;
    expect(mismatch.mx[0]!.addresses[0]!.resultType).toBe('certificate-host-mismatch');
    const sts = reports.get('sts-redirect.sendguard.test')!.mtaSts;
    expect(sts).toMatchObject({ state: 'failed', resultType: 'sts-policy-fetch-error' });
  });

  test('a second ask is answered from the cache without a new check', async () => {
    const before = service.stats.checks;
    await service.report('tls-valid.sendguard.test');
    expect(service.stats.checks).toBe(before);
    expect(service.stats.cacheHits).toBeGreaterThan(0);
  });
});
