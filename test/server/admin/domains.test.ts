/**
 * When a domain's transport verdict last changed, as the admin's Domains page shows it. The transport service
 * records each finished check's verdict when it differs from the last one: first against a declarative zone whose
 * answers the test changes (null MX, then SERVFAIL, which is no change), then against the offline bed through the
 * assembled service, its real resolver after a stalled one, two runs of the service on one data directory.
 */
import type { TransportVerdict } from '../../../src/core/vocabulary';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { createServer } from '../../../src/server/serve';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { memoryVerdictChanges, type VerdictChanges } from '../../../src/server/store/verdict-changes';
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { CachingTransportService } from '../../../src/server/transport/service';
import { bedServerConfig } from '../../helpers/bed-services';
import { ManualClock } from '../../helpers/clock';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';
import { heldWrites } from '../../helpers/held-writes';
import { defaultPolicy } from '../../helpers/policy';
import { scratchDir } from '../../helpers/scratch';
import { testbed } from '../../helpers/testbed';
import { as, startAdminApp } from './admin-app';

const DAY = 86_400_000;
const NULL_MX = { MX: [{ preference: 0, exchange: '' }] };

/** The real transport service over `zone`, recording into `changes`. */
function transportOver(zone: FakeZone, clock: ManualClock, changes: Pick<VerdictChanges, 'record'>) {
  const failures: string[] = [];
  const service = new CachingTransportService({
    deps: {
      dns: fakeDns(zone).client,
      heloName: 'probe.sendguard.test',
      allowPrivateAddresses: false,
      stsCache: new MemoryStsCache(),
    },
    checkDeadlineMs: 5000,
    clock,
    verdictChanges: changes,
    onVerdictChangeError: (_error, domain) => failures.push(domain),
  });
  const verdictOf = async (domain: string) =>
    (await service.assess(domain, { signal: AbortSignal.timeout(5000) })).verdict;
  return { service, verdictOf, failures };
}

describe('the transport service records a verdict when it differs from the last one', () => {
  test('the first verdict, a check that finds the same again, and a change', async () => {
    const zone: FakeZone = { 'shifting.example': NULL_MX };
    const clock = new ManualClock(Date.parse('2027-01-04T08:00:00Z'));
    const changes = memoryVerdictChanges();
    const { verdictOf } = transportOver(zone, clock, changes);

    expect(await verdictOf('shifting.example')).toBe('no-mail');
    const first = { domain: 'shifting.example', from: null, to: 'no-mail', at: clock.now() };
    expect(await changes.last('shifting.example')).toEqual(first);

    // A day later, its report long expired: checked again, the same verdict changes nothing.
    clock.advance(DAY);
    expect(await verdictOf('shifting.example')).toBe('no-mail');
    expect(await changes.last('shifting.example')).toEqual(first);

    zone['shifting.example'] = { MX: 'servfail' };
    clock.advance(DAY);
    // A check that could not finish is no change: the last known verdict and its time stay.
    expect(await verdictOf('shifting.example')).toBe('unknown');
    expect(await changes.last('shifting.example')).toEqual(first);

    expect(await changes.last('other.example')).toBeUndefined();
  });

  test('the record does not hold the check while the database hangs', async () => {
    const held = heldWrites<boolean>();
    const { service } = transportOver({ 'gone.example': NULL_MX }, new ManualClock(0), {
      record: held.write,
    });
    // Answered while the record is still waiting (the code before waited here for good).
    expect((await service.report('gone.example')).verdict).toBe('no-mail');
    expect(held.begun.map((w) => w.args.slice(0, 2))).toEqual([['gone.example', 'no-mail']]);
    held.begun[0]!.finish();
  });

  test("records land in order: a domain's next one starts when the one before it is done", async () => {
    const held = heldWrites<boolean>();
    const clock = new ManualClock(Date.parse('2027-01-04T08:00:00Z'));
    const { service } = transportOver({ 'gone.example': NULL_MX }, clock, { record: held.write });
    await service.report('gone.example');
    clock.advance(DAY);
    await service.report('gone.example');
    expect(held.begun).toHaveLength(1);
    held.begun[0]!.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.begun).toHaveLength(2);
    expect(held.begun[1]!.args[2]).toBe((held.begun[0]!.args[2] as number) + DAY);
    held.begun[1]!.finish();
  });

  test('a failure to record is told and never fails the check', async () => {
    const failing = {
      record: async (): Promise<boolean> => {
        throw new Error('database is locked');
      },
    };
    const { verdictOf, failures } = transportOver(
      { 'gone.example': NULL_MX },
      new ManualClock(Date.now()),
      failing,
    );
    expect(await verdictOf('gone.example')).toBe('no-mail');
    expect(failures).toEqual(['gone.example']);
  });
});

test("GET /admin/domains/:domain: the report with its evidence, its last change and the running policy's override", async () => {
  const zone: FakeZone = { 'partner.example': NULL_MX, 'other.example': NULL_MX };
  const note = 'our gateway forces verified TLS to the partner';
  const admin = await startAdminApp({
    deps: ({ store, clock }) => ({
      policy: defaultPolicy({
        domains: [{ domain: '*.partner.example', trustTransport: 'authenticated', note }],
      }),
      transport: transportOver(zone, clock, store.verdictChanges).service,
    }),
  });
  zone['mx.partner.example'] = NULL_MX;
  const lookUp = (domain: string) =>
    admin.app.inject({ url: `/api/v1/admin/domains/${domain}`, headers: as(admin.tokens.admin) });

  const res = await lookUp('MX.Partner.example');
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({
    report: expect.objectContaining({
      domain: 'mx.partner.example',
      verdict: 'no-mail',
      evidence: expect.any(Object),
    }),
    lastChange: { from: null, to: 'no-mail', at: new Date(admin.clock.now()).toISOString() },
    override: { domain: '*.partner.example', trustTransport: 'authenticated', note },
  });
  // The same report as every signed-in caller's GET /domains/:domain.
  const plain = await admin.app.inject({
    url: '/api/v1/domains/mx.partner.example',
    headers: as(admin.tokens.ann),
  });
  expect(res.json().report).toEqual(plain.json());
  // No override names other.example: none is answered.
  expect((await lookUp('other.example')).json()).not.toHaveProperty('override');
  expect((await lookUp('not a domain')).statusCode).toBe(400);
});

test('an override saved through the policy routes is the one the Domains answer names, at once', async () => {
  const admin = await startAdminApp();
  const lookUp = async () =>
    (
      await admin.app.inject({
        url: '/api/v1/admin/domains/partner.example',
        headers: as(admin.tokens.admin),
      })
    ).json() as { override?: object };
  expect(await lookUp()).not.toHaveProperty('override');
  const note = 'the partner is reached through our TLS gateway';
  const saved = await admin.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/overrides/partner.example',
    headers: as(admin.tokens.admin),
    payload: { note, trustTransport: 'authenticated' },
  });
  expect(saved.statusCode).toBe(200);
  expect((await lookUp()).override).toEqual({
    domain: 'partner.example',
    trustTransport: 'authenticated',
    note,
  });
});

describe('against the offline bed, through the assembled service', () => {
  const DOMAIN = 'dane-ee.sendguard.test';

  /** One run of the service on `dataDir` with `resolver`, its clock at `now`: the admin's view of DOMAIN. */
  async function adminView(dataDir: string, resolver: string, now: number) {
    const bed = testbed();
    const store = openSqliteStore(dataDir);
    const { token } = await issueApiToken(store.tokens, { name: 'ops', role: 'admin' });
    await store.close();
    const config = bedServerConfig(bed, dataDir, {
      publicUrl: 'https://sendguard.example.org',
      auth: { apiTokens: true },
      dns: { servers: [resolver] },
      limits: { lookupDeadlineMs: 1500 },
    });
    const server = await createServer(config, { clock: new ManualClock(now) });
    try {
      // The route may stop waiting as the check's own deadline ends; the change is recorded as the check ends.
      for (let tries = 0; ; tries++) {
        const res = await server.app.inject({ url: `/api/v1/admin/domains/${DOMAIN}`, headers: as(token) });
        const body = res.json() as { report: { verdict: TransportVerdict }; lastChange?: object };
        if (body.lastChange !== undefined || tries === 20) return body;
      }
    } finally {
      await server.close();
    }
  }

  test('a stalled resolver makes it unknown, which is no change; the real one finds it authenticated: its first verdict', async () => {
    const bed = testbed();
    const dataDir = scratchDir('admin-bed');
    const start = Date.now();
    const stalled = await adminView(dataDir, bed.dnsStall, start);
    expect(stalled.report.verdict).toBe('unknown');
    expect(stalled.lastChange).toBeUndefined();

    const later = start + DAY;
    const answered = await adminView(dataDir, bed.dns, later);
    expect(answered.report.verdict).toBe('authenticated');
    expect(answered.lastChange).toEqual({
      from: null,
      to: 'authenticated',
      at: new Date(later).toISOString(),
    });
  }, 60_000);
});
