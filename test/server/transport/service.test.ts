/**
 * CachingTransportService shares one check per domain between the callers asking meanwhile: the MX, MTA-STS and
 * TLS-RPT lookups run once, however many senders check the domain at the same moment. A report the check finished is
 * answered even when keeping it fails (the database is full or gone).
 */
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { CachingTransportService, type ReportCache } from '../../../src/server/transport/service';
import { fakeDns } from '../../helpers/fake-dns';

type ServiceOptions = ConstructorParameters<typeof CachingTransportService>[0];

function serviceOver(dns: ReturnType<typeof fakeDns>, options: Partial<ServiceOptions> = {}) {
  return new CachingTransportService({
    deps: {
      dns: dns.client,
      heloName: 'checker.example',
      allowPrivateAddresses: false,
      stsCache: new MemoryStsCache(),
    },
    checkDeadlineMs: 60_000,
    ...options,
  });
}

test('concurrent reports of one domain share one check: one MTA-STS lookup, one MX lookup', async () => {
  const dns = fakeDns({ 'example.test': { MX: [{ preference: 0, exchange: '.' }] } }, { delayMs: 20 });
  const service = serviceOver(dns);
  const [first, second] = await Promise.all([service.report('example.test'), service.report('EXAMPLE.test')]);
  expect(second).toBe(first);
  expect(service.stats.checks).toBe(1);
  expect(dns.queries.filter((query) => query === '_mta-sts.example.test TXT')).toHaveLength(1);
  expect(dns.queries.filter((query) => query === 'example.test MX')).toHaveLength(1);
});

test('reports of different domains are separate checks', async () => {
  const dns = fakeDns({}, { delayMs: 20 });
  const service = serviceOver(dns);
  await Promise.all([service.report('a.example'), service.report('b.example')]);
  expect(service.stats.checks).toBe(2);
  expect(dns.queries.filter((query) => query.startsWith('_mta-sts.')).sort()).toEqual([
    '_mta-sts.a.example TXT',
    '_mta-sts.b.example TXT',
  ]);
});

test('a report whose cache write fails is answered to every caller sharing its check; the failure is reported', async () => {
  const full = new Error('SQLITE_FULL: database or disk is full');
  const written: string[] = [];
  const cache: ReportCache = {
    get: async () => undefined,
    set: async (domain) => {
      written.push(domain);
      throw full;
    },
  };
  const failures: Array<{ error: unknown; domain: string }> = [];
  const dns = fakeDns({ 'example.test': { MX: [{ preference: 0, exchange: '.' }] } }, { delayMs: 20 });
  const service = serviceOver(dns, {
    cache,
    onCacheWriteError: (error, domain) => failures.push({ error, domain }),
  });

  const [first, second] = await Promise.all([service.report('example.test'), service.report('EXAMPLE.test')]);
  expect(first).toMatchObject({ domain: 'example.test' });
  expect(second).toBe(first);
  expect(service.stats.checks).toBe(1);
  expect(written).toEqual(['example.test']);
  expect(failures).toEqual([{ error: full, domain: 'example.test' }]);
});

test('a report held in memory is answered at once as one assessment, made once and counted as a cache hit', async () => {
  const dns = fakeDns({ 'example.test': { MX: [{ preference: 0, exchange: '.' }] } });
  const lookups: string[] = [];
  const service = serviceOver(dns, { onCacheLookup: (result) => lookups.push(result) });
  expect(service.kept('example.test')).toBeUndefined();
  const signal = new AbortController().signal;
  const checked = await service.assess('example.test', { signal });
  const kept = service.kept('example.test');
  expect(kept).toBe(checked);
  // Given as it is kept: the same object, even to a caller whose signal has already given up.
  expect(await service.assess('example.test', { signal: AbortSignal.abort() })).toBe(checked);
  // A domain not in normal form is not found as it is: the lookup normalises it and finds the same report.
  expect(service.kept('EXAMPLE.test')).toBeUndefined();
  expect(await service.assess('EXAMPLE.test', { signal })).toBe(checked);
  expect(lookups).toEqual(['miss', 'hit', 'hit', 'hit']);
  expect(service.stats).toMatchObject({ cacheHits: 3, cacheMisses: 1, checks: 1 });
});
