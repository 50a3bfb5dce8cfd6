/**
 * CachingMailboxService over a declarative zone and a fake probe whose answer and timing the test controls: a
 * recently expired report answered at once while one check runs again, nothing older than the stale window
 * answered, one check in flight per domain, and reports kept in the service's store shared by a second service.
 */
import type { AccessProbeResult, AccessTarget } from '../../../src/server/mailbox/access-probe';
import { MAILBOX_STALE_WINDOW_MS } from '../../../src/server/mailbox/report';
import { CachingMailboxService } from '../../../src/server/mailbox/service';
import { HttpsGetError, type HttpsGet } from '../../../src/server/net/https-get';
import { storedReportCache } from '../../../src/server/store/report-cache';
import { ManualClock } from '../../helpers/clock';
import { fakeDns } from '../../helpers/fake-dns';
import { openSqliteForTest, type OpenedStore } from '../store/opened-stores';

const D = 'example.org';
const TTL_MS = 300_000;
const TLS = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', legacyOnly: false };
const ANSWERS = {
  'tls-only': { outcome: 'tls' as const, tls: TLS },
  // Nothing answered: the domain reads unknown.
  refused: { outcome: 'refused' as const },
};

const noFiles: HttpsGet = async () => {
  throw new HttpsGetError('HTTP_NAME_NOT_FOUND', 'no address');
};

/**
 * One IMAP endpoint at imap.example.org:993 (SRV TTL 300 s), whose probe answers `answer.now` once `gate` opens
 * (open unless a test holds it); every probe is counted.
 */
function bed() {
  const answer: { now: keyof typeof ANSWERS } = { now: 'tls-only' };
  let gate: Promise<void> = Promise.resolve();
  let open = () => undefined as void;
  const probes: string[] = [];
  const probe = async (target: AccessTarget): Promise<AccessProbeResult> => {
    probes.push(`${target.host}:${target.port}`);
    await gate;
    return { address: target.address, timings: {}, ...ANSWERS[answer.now] };
  };
  const deps = {
    dns: fakeDns({
      [`_imaps._tcp.${D}`]: { SRV: [{ priority: 0, weight: 0, port: 993, target: 'imap.example.org' }] },
      'imap.example.org': { A: ['192.0.2.10'] },
    }).client,
    allowPrivateAddresses: true,
    probe,
    httpsGet: noFiles,
  };
  return {
    deps,
    answer,
    probes,
    hold: () => {
      gate = new Promise((resolve) => (open = resolve));
    },
    release: () => open(),
  };
}

const signal = () => new AbortController().signal;
/** Lets a background check that nothing waits on run to its end. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('an expired report is answered at once, with its check time, while one check runs again and then replaces it', async () => {
  const { deps, answer, probes, hold, release } = bed();
  const clock = new ManualClock();
  const service = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock });
  const first = await service.assess(D, { signal: signal() });
  expect(first).toMatchObject({ verdict: 'tls-only', checkedAt: '2026-01-01T00:00:00.000Z' });

  clock.advance(TTL_MS + 60_000);
  answer.now = 'refused';
  hold();
  // The kept verdict, not "still being checked", however many ask while the check runs; one check starts.
  expect(service.kept(D)).toBe(first);
  expect(await service.assess(D, { signal: AbortSignal.timeout(50) })).toBe(first);
  expect(service.stats).toMatchObject({ staleHits: 2, checks: 2 });

  release();
  await settle();
  expect(probes).toHaveLength(2);
  const refreshed = service.kept(D);
  expect(refreshed).toMatchObject({ verdict: 'unknown', checkedAt: new Date(clock.now()).toISOString() });
  expect(await service.assess(D, { signal: signal() })).toBe(refreshed);
  expect(service.stats.checks).toBe(2);
});

test('nothing older than the stale window is answered: the next caller waits for a new check', async () => {
  const { deps, answer, probes } = bed();
  const clock = new ManualClock();
  const service = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock });
  await service.assess(D, { signal: signal() });

  clock.advance(TTL_MS + MAILBOX_STALE_WINDOW_MS - 1);
  expect(service.kept(D)?.verdict).toBe('tls-only');
  await settle();
  clock.advance(TTL_MS + MAILBOX_STALE_WINDOW_MS);
  answer.now = 'refused';
  expect(service.kept(D)).toBeUndefined();
  const fresh = await service.assess(D, { signal: signal() });
  expect(fresh).toMatchObject({ verdict: 'unknown', checkedAt: new Date(clock.now()).toISOString() });
  expect(probes).toHaveLength(3);
});

test('the full report of an expired domain is checked afresh, not answered stale', async () => {
  const { deps, answer, probes } = bed();
  const clock = new ManualClock();
  const service = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock });
  await service.report(D);
  clock.advance(TTL_MS);
  answer.now = 'refused';
  const report = await service.report(D);
  expect(report).toMatchObject({ verdict: 'unknown', checkedAt: new Date(clock.now()).toISOString() });
  expect(probes).toHaveLength(2);
});

test('one check in flight per domain: callers of a new domain and a stale one each share a single check', async () => {
  const { deps, probes, hold, release } = bed();
  const clock = new ManualClock();
  const service = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock });
  hold();
  const waiting = [1, 2, 3].map(() => service.assess(D, { signal: signal() }));
  release();
  const [first, ...rest] = await Promise.all(waiting);
  expect(rest.every((answer) => answer === first)).toBe(true);
  expect(probes).toHaveLength(1);

  clock.advance(TTL_MS);
  hold();
  for (let n = 0; n < 5; n++) expect(await service.assess(D, { signal: signal() })).toBe(first);
  release();
  await settle();
  expect(probes).toHaveLength(2);
  expect(service.stats.checks).toBe(2);
});

describe('kept in the service store', () => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = await openSqliteForTest();
  });
  afterEach(() => opened.store.close());

  test('another service on the same store answers the report it finds there, fresh or within the stale window', async () => {
    const { deps, probes } = bed();
    const clock = new ManualClock();
    const cache = () => storedReportCache(opened.store.mailboxReports);
    const first = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock, cache: cache() });
    const checked = await first.assess(D, { signal: signal() });

    const second = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock, cache: cache() });
    expect(await second.assess(D, { signal: signal() })).toEqual(checked);
    expect(probes).toHaveLength(1);

    clock.advance(TTL_MS + 1000);
    const third = new CachingMailboxService({ deps, checkDeadlineMs: 2000, clock, cache: cache() });
    expect(await third.assess(D, { signal: signal() })).toEqual(checked);
    await settle();
    expect(probes).toHaveLength(2);
    expect((await opened.store.mailboxReports.get(D))?.value.checkedAt).toBe(
      new Date(clock.now()).toISOString(),
    );
  });
});
