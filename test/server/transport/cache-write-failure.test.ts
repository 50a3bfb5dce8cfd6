/**
 * A report the check finished is answered even when keeping it fails (the database is full or gone): the failure
 * goes to the service's hook, and every caller sharing the check still gets the report.
 */
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { CachingTransportService, type ReportCache } from '../../../src/server/transport/service';
import { fakeDns } from '../../helpers/fake-dns';

const full = new Error('SQLITE_FULL: database or disk is full');

test('a report whose cache write fails is answered to every caller sharing its check; the failure is reported', async () => {
  const dns = fakeDns({ 'example.test': { MX: [{ preference: 0, exchange: '.' }] } }, { delayMs: 20 });
  const written: string[] = [];
  const cache: ReportCache = {
    get: async () => undefined,
    set: async (domain) => {
      written.push(domain);
      throw full;
    },
  };
  const failures: Array<{ error: unknown; domain: string }> = [];
  const service = new CachingTransportService({
    deps: {
      dns: dns.client,
      heloName: 'checker.example',
      allowPrivateAddresses: false,
      stsCache: new MemoryStsCache(),
    },
    checkDeadlineMs: 60_000,
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
