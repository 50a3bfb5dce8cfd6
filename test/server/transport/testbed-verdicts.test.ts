/**
 * Every case of the offline test bed (real nsd, unbound, Postfix and HTTPS policy hosts) gets the verdict its
 * description promises, for the reason it promises, and every transport verdict word is produced by at least one
 * case. Then the edge states in detail: a bogus TLSA answer, unusable TLSA records, peers that stall past the check's
 * deadline, and hostile records and policies.
 */
import type { CachingTransportService } from '../../../src/server/transport/service';
import { bedTransportService } from '../../helpers/bed-services';
import { ManualClock } from '../../helpers/clock';
import type { TransportReport } from '../../../src/server/transport/report';
import { TRANSPORT_VERDICTS } from '../../../src/core/vocabulary';
import { testbed, testbedCases, type Testbed } from '../../helpers/testbed';

const DEFAULT_DEADLINE_MS = 6000;
/** What the verdict may take beyond the deadline: building the report. */
const REPORT_MARGIN_MS = 500;
const cases = testbedCases();
const deadlineOf = (domain: string) =>
  cases.find((c) => c.domain === domain)?.deadlineMs ?? DEFAULT_DEADLINE_MS;
const reports = new Map<string, TransportReport>();
let bed: Testbed;
let service: CachingTransportService;

beforeAll(async () => {
  bed = testbed();
  service = bedTransportService(bed, DEFAULT_DEADLINE_MS);
  // One service per deadline, all checks at once.
  const services = new Map<number, CachingTransportService>([[DEFAULT_DEADLINE_MS, service]]);
  const serviceFor = (ms: number) => {
    if (!services.has(ms)) services.set(ms, bedTransportService(bed, ms));
    return services.get(ms)!;
  };
  const all = await Promise.all(cases.map((c) => serviceFor(deadlineOf(c.domain)).report(c.domain)));
  all.forEach((report) => reports.set(report.domain, report));
}, 60_000);

const only = (report: TransportReport) => {
  const [host] = report.mx;
  const [address] = host?.addresses ?? [];
  return { host: host!, address: address! };
};

describe('transport verdicts on the offline test bed', () => {
  test.each(cases.map((c) => [c.domain, c.expect, c.about, c.reason] as const))(
    '%s is %s (%s)',
    (domain, expected, _about, reason) => {
      const report = reports.get(domain)!;
      expect({ domain, verdict: report.verdict, reason: report.reasons[0] }).toEqual({
        domain,
        verdict: expected,
        reason: expect.stringContaining(reason),
      });
    },
  );

  test('every verdict word is produced by some case', () => {
    const produced = new Set([...reports.values()].map((r) => r.verdict));
    expect([...TRANSPORT_VERDICTS].filter((v) => !produced.has(v))).toEqual([]);
  });

  test('bad servers never hold a check past its deadline', () => {
    for (const report of reports.values()) {
      const limit = deadlineOf(report.domain) + REPORT_MARGIN_MS;
      expect([report.domain, report.timings.totalMs < limit]).toEqual([report.domain, true]);
    }
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

describe('RFC 7672 edge states', () => {
  test('§2.2: a bogus TLSA answer for a DNSSEC-secure MX is a failure that names DNSSEC, not "no TLSA"', () => {
    const report = reports.get('tlsa-bogus.sendguard.test')!;
    const { host, address } = only(report);
    expect(report.mxSecure).toBe(true);
    expect(host.dane).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('DNSSEC validation'),
    });
    // The probe still ran: the evidence is there, it is the TLSA failure that leaves the verdict open.
    expect(address).toMatchObject({ verdict: 'unknown', resultType: 'dnssec-invalid', starttls: true });
  });

  test('§2.2: secure TLSA records that are all unusable count as none, with the records kept as evidence', () => {
    expect(only(reports.get('dane-unusable.sendguard.test')!).host.dane).toEqual({
      state: 'unusable',
      records: 2,
    });
    const withSts = only(reports.get('dane-unusable-sts.sendguard.test')!);
    expect(withSts.host.dane).toMatchObject({ state: 'unusable' });
    expect(withSts.address).toMatchObject({ verdict: 'authenticated', authentication: 'mta-sts' });
  });
});

describe('peers that stall past the whole check deadline', () => {
  test('a stalling MTA-STS host: incomplete, unknown, the MX evidence kept, reused for 30 s only', () => {
    const report = reports.get('stall-sts.sendguard.test')!;
    expect(report).toMatchObject({
      verdict: 'unknown',
      incomplete: true,
      ttlSeconds: 30,
      mtaSts: { state: 'pending' },
      tlsRpt: { state: 'none' },
      mxSecure: true,
    });
    expect(report.reasons[0]).toBe(
      `the check did not finish within ${deadlineOf(report.domain)} ms: the MTA-STS policy check did not finish`,
    );
    const { host, address } = only(report);
    expect(host).toMatchObject({ hostname: 'mx.stall-sts.sendguard.test', dane: { state: 'none' } });
    expect(address).toMatchObject({
      starttls: true,
      tls: { certificate: { trusted: true, nameMatches: true } },
    });
  });

  test('a resolver that never answers: incomplete, unknown, the MX lookup named as what did not finish', async () => {
    const stalled = bedTransportService(bed, 1500, { resolver: bed.dnsStall });
    const report = await stalled.report('tls-valid.sendguard.test');
    expect(report).toMatchObject({ verdict: 'unknown', incomplete: true, ttlSeconds: 30, mx: [] });
    expect(report.reasons[0]).toBe('the check did not finish within 1500 ms: the MX lookup did not finish');
    expect(report.timings.totalMs).toBeLessThan(1500 + REPORT_MARGIN_MS);
  });

  test("the service's cache keeps an incomplete report for its 30 s, then checks again", async () => {
    const clock = new ManualClock(Date.now());
    const timed = bedTransportService(bed, 1000, { resolver: bed.dnsStall, clock });
    await timed.report('tls-valid.sendguard.test');
    clock.advance(29_000);
    await timed.report('tls-valid.sendguard.test');
    expect(timed.stats).toMatchObject({ checks: 1, cacheHits: 1 });
    clock.advance(2_000);
    await timed.report('tls-valid.sendguard.test');
    expect(timed.stats.checks).toBe(2);
  });
});

describe('hostile records and policies', () => {
  test.each(['sts-pathological.sendguard.test', 'sts-long-lines.sendguard.test'])(
    '%s: a 60 KB policy built against backtracking parsers is refused quickly and authenticates nothing',
    (domain) => {
      const report = reports.get(domain)!;
      expect(report.verdict).toBe('encrypted');
      expect(report.mtaSts).toMatchObject({ state: 'failed', resultType: 'sts-policy-invalid' });
      expect(report.timings.totalMs).toBeLessThan(3000);
    },
  );

  test('~58 KB _mta-sts and _smtp._tls TXT records of many strings: both judged invalid, quickly', () => {
    const report = reports.get('txt-huge.sendguard.test')!;
    expect(report.mtaSts).toMatchObject({ state: 'none', reason: expect.stringMatching(/invalid/) });
    expect(report.tlsRpt).toMatchObject({ state: 'invalid' });
    expect(report.timings.totalMs).toBeLessThan(3000);
  });

  test('an MX with 400 addresses: a capped few are probed, the rest named as not probed', () => {
    const report = reports.get('many-addresses.sendguard.test')!;
    const probed = report.mx.flatMap((host) => host.addresses).length;
    expect(probed).toBeGreaterThan(0);
    expect(probed).toBeLessThanOrEqual(20);
    expect(report.reasons.some((reason) => /not probed/.test(reason))).toBe(true);
    expect(report.timings.totalMs).toBeLessThan(3000);
  });
});
