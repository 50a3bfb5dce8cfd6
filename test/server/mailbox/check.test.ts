/**
 * checkMailboxAccess over a declarative zone, a fake HTTPS fetch and a fake probe: discovery, the domain verdict
 * rules of the contract, recognised providers, the deadline, and the caching service.
 */
import type { AccessProbeResult, AccessTarget } from '../../../src/server/mailbox/access-probe';
import { checkMailboxAccess, type MailboxCheckDeps } from '../../../src/server/mailbox/check';
import { MAX_ENDPOINTS } from '../../../src/server/mailbox/endpoints';
import { CachingMailboxService } from '../../../src/server/mailbox/service';
import type { HttpsGet } from '../../../src/server/net/https-get';
import { HttpsGetError } from '../../../src/server/net/https-get';
import { ManualClock } from '../../helpers/clock';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';

const D = 'example.org';
const srv = (target: string, port: number) => ({ priority: 0, weight: 0, port, target });
const A = { A: ['192.0.2.10'] };

/** Answers per `host:port` as the probe would; unlisted endpoints time out. */
function fakeProbe(answers: Record<string, Partial<AccessProbeResult>>) {
  const probed: string[] = [];
  const probe = async (target: AccessTarget): Promise<AccessProbeResult> => {
    probed.push(`${target.protocol} ${target.host}:${target.port} ${target.security}`);
    const answer = answers[`${target.host}:${target.port}`];
    return { address: target.address, outcome: 'timeout', timings: {}, ...answer };
  };
  return { probe, probed };
}

const noFiles: HttpsGet = async () => {
  throw new HttpsGetError('HTTP_NAME_NOT_FOUND', 'no address');
};

function deps(
  zone: FakeZone,
  probe: MailboxCheckDeps['probe'],
  httpsGet: HttpsGet = noFiles,
): MailboxCheckDeps {
  return {
    dns: fakeDns(zone).client,
    allowPrivateAddresses: true,
    schedule: (task) => task(),
    probe,
    httpsGet,
  };
}

const TLS = { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', legacyOnly: false };
const tlsOnly = { outcome: 'tls' as const, starttls: true, plaintextLogin: false, tls: TLS };
const implicitOk = { outcome: 'tls' as const, tls: TLS };

describe('checkMailboxAccess', () => {
  test('RFC 6186: every SRV endpoint requiring TLS makes the domain tls-only', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      [`_imap._tcp.${D}`]: { SRV: [srv('imap.example.org', 143)] },
      [`_submission._tcp.${D}`]: { SRV: [srv('smtp.example.org', 587)] },
      [`_pop3._tcp.${D}`]: { SRV: [srv('', 0)] },
      'imap.example.org': A,
      'smtp.example.org': A,
    };
    const { probe, probed } = fakeProbe({
      'imap.example.org:993': implicitOk,
      'imap.example.org:143': tlsOnly,
      'smtp.example.org:587': tlsOnly,
    });
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(probed.sort()).toEqual([
      'imap imap.example.org:143 starttls',
      'imap imap.example.org:993 implicit',
      'submission smtp.example.org:587 starttls',
    ]);
    expect(report).toMatchObject({ verdict: 'tls-only', incomplete: false, srv: { state: 'records' } });
    expect(report.reasons[0]).toBe(
      `every endpoint ${D} advertises that answered requires TLS before login: imap.example.org:993, imap.example.org:143, smtp.example.org:587`,
    );
    expect(report.ttlSeconds).toBe(300);
  });

  test('the worst endpoint that answered decides; one that did not answer is a reason, not the verdict', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      [`_imap._tcp.${D}`]: { SRV: [srv('imap.example.org', 143)] },
      [`_pop3._tcp.${D}`]: { SRV: [srv('pop.example.org', 110)] },
      'imap.example.org': A,
      'pop.example.org': A,
    };
    const { probe } = fakeProbe({
      'imap.example.org:993': implicitOk,
      'imap.example.org:143': { ...tlsOnly, plaintextLogin: true },
    });
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(report.verdict).toBe('tls-offered');
    expect(report.reasons[0]).toContain('imap.example.org:143 lets mail clients log in before STARTTLS');
    expect(report.reasons).toContainEqual(
      expect.stringContaining('pop.example.org:110 (POP3) at 192.0.2.10 did not answer in time'),
    );
  });

  test("an autoconfig file's plain entry makes the domain plaintext whatever its server offers, so it is not probed", async () => {
    const xml =
      '<clientConfig version="1.1"><emailProvider id="example.org">' +
      '<incomingServer type="pop3"><hostname>pop.%EMAILDOMAIN%</hostname><port>110</port><socketType>plain</socketType></incomingServer>' +
      '</emailProvider></clientConfig>';
    const httpsGet: HttpsGet = async (url) => {
      if (url.startsWith(`https://${D}/.well-known/`))
        return { status: 200, headers: {}, body: Buffer.from(xml), address: '192.0.2.1' };
      return { status: 404, headers: {}, body: Buffer.alloc(0), address: '192.0.2.1' };
    };
    const { probe, probed } = fakeProbe({ 'pop.example.org:110': tlsOnly });
    const report = await checkMailboxAccess(D, deps({ 'pop.example.org': A }, probe, httpsGet), {
      deadlineMs: 2000,
    });
    expect(report.verdict).toBe('plaintext');
    // The file decides; a probe could not change that, so the server is not contacted.
    expect(probed).toEqual([]);
    expect(report.endpoints).toMatchObject([{ outcome: 'not-probed', verdict: 'plaintext' }]);
    expect(report.reasons[0]).toBe(
      `pop.example.org:110 is given to mail clients as their POP3 server without TLS (socketType plain) by https://${D}/.well-known/autoconfig/mail/config-v1.1.xml: passwords and mail of clients set up from it cross the network in the clear`,
    );
    expect(report.autoconfig.map((file) => file.state)).toEqual(['none', 'found']);
  });

  test('nothing advertised and no recognised provider is unknown, and says so', async () => {
    const { probe, probed } = fakeProbe({});
    const report = await checkMailboxAccess(
      D,
      deps({ [D]: { MX: [{ preference: 10, exchange: 'mx.example.org' }] } }, probe),
      {
        deadlineMs: 2000,
      },
    );
    expect(report).toMatchObject({ verdict: 'unknown', srv: { state: 'none' }, endpoints: [] });
    expect(report.reasons[0]).toContain('advertises no IMAP, POP3 or submission server');
    expect(probed).toEqual([]);
    // The usual answer, and a settled one: kept like any verdict, not re-checked every 30 s as a failure is.
    expect(report.ttlSeconds).toBeGreaterThanOrEqual(60);
  });

  test('tls-only needs every advertised endpoint: one that does not answer leaves the domain unknown', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      [`_pop3._tcp.${D}`]: { SRV: [srv('pop.example.org', 110)] },
      'imap.example.org': A,
      'pop.example.org': A,
    };
    const { probe } = fakeProbe({ 'imap.example.org:993': implicitOk });
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(report.verdict).toBe('unknown');
    expect(report.reasons[0]).toBe(
      `every endpoint of ${D} that answered requires TLS before login, but pop.example.org:110 did not answer, ` +
        'so whether all of them do is not known',
    );
    expect(report.ttlSeconds).toBe(30);
  });

  test('every SRV record saying "." is unknown', async () => {
    const zone: FakeZone = Object.fromEntries(
      ['_imaps', '_imap', '_pop3s', '_pop3', '_submissions', '_submission'].map((label) => [
        `${label}._tcp.${D}`,
        { SRV: [srv('', 0)] },
      ]),
    );
    const report = await checkMailboxAccess(D, deps(zone, fakeProbe({}).probe), { deadlineMs: 2000 });
    expect(report.verdict).toBe('unknown');
    expect(report.reasons[0]).toContain('says the service is not offered (".")');
  });

  test('SRV targets no client could use (localhost, port 0) are counted and named, not called "not offered"', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('localhost', 993)] },
      [`_imap._tcp.${D}`]: { SRV: [srv('imap.example.org', 0)] },
      [`_pop3._tcp.${D}`]: { SRV: [srv('', 0)] },
    };
    const report = await checkMailboxAccess(D, deps(zone, fakeProbe({}).probe), { deadlineMs: 2000 });
    expect(report.verdict).toBe('unknown');
    expect(report.reasons[0]).toBe(
      `the SRV records of ${D} name no server a mail client could use (2 unusable: _imaps._tcp.${D} → localhost:993, ` +
        `_imap._tcp.${D} → imap.example.org:0); the others say the service is not offered ("."), and no autoconfig ` +
        'file lists a server: how its users reach their mail is not advertised',
    );
  });

  test('a recognised provider is not probed; the reason names the MX and the documentation', async () => {
    const { probe, probed } = fakeProbe({});
    const zone = { [D]: { MX: [{ preference: 1, exchange: 'aspmx.l.google.com' }] } };
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(probed).toEqual([]);
    expect(report).toMatchObject({
      verdict: 'tls-only',
      provider: { name: 'Google Workspace / Gmail', mx: 'aspmx.l.google.com' },
    });
    expect(report.reasons[0]).toMatch(
      /^recognised as Google Workspace \/ Gmail from its MX aspmx\.l\.google\.com: .* accept logins only over TLS \(https:\/\/support\.google\.com\//,
    );
    expect(report.endpoints.every((endpoint) => endpoint.outcome === 'not-probed')).toBe(true);
  });

  test("a provider's MX only as a backup is not recognised: the domain's own advertised endpoints decide", async () => {
    const zone: FakeZone = {
      [D]: {
        MX: [
          { preference: 10, exchange: 'mx.example.org' },
          { preference: 50, exchange: 'alt4.aspmx.l.google.com' },
        ],
      },
    };
    const report = await checkMailboxAccess(D, deps(zone, fakeProbe({}).probe), { deadlineMs: 2000 });
    expect(report.provider).toBeUndefined();
    expect(report.verdict).toBe('unknown');
    expect(report.reasons[0]).toContain('its MX is not a recognised mail provider');
  });

  test('a recognised provider that lists no endpoint (Proton) takes its documented verdict', async () => {
    const { probe, probed } = fakeProbe({});
    const zone = { [D]: { MX: [{ preference: 10, exchange: 'mail.protonmail.ch' }] } };
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(probed).toEqual([]);
    expect(report).toMatchObject({ verdict: 'tls-only', endpoints: [], provider: { name: 'Proton Mail' } });
    expect(report.reasons[0]).toMatch(/^recognised as Proton Mail from its MX mail\.protonmail\.ch: /);
  });

  test('DNS and autoconfig failures are reasons, never a crash', async () => {
    const zone: FakeZone = { [`_imaps._tcp.${D}`]: { SRV: 'servfail' }, [D]: { MX: 'timeout' } };
    const broken: HttpsGet = async () => {
      throw new HttpsGetError('HTTP_TLS_FAILED', '192.0.2.1: TLS failed: CERT_HAS_EXPIRED');
    };
    const report = await checkMailboxAccess(D, deps(zone, fakeProbe({}).probe, broken), { deadlineMs: 2000 });
    expect(report).toMatchObject({ verdict: 'unknown', srv: { state: 'failed' } });
    expect(report.reasons).toContainEqual(expect.stringContaining('SERVFAIL'));
    expect(report.reasons).toContainEqual(expect.stringContaining('CERT_HAS_EXPIRED'));
    expect(report.reasons).toContainEqual(expect.stringContaining('the MX lookup failed'));
  });

  test('a failed SRV lookup beside a good _imaps leaves tls-only unproven: unknown, saying which lookup failed', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      [`_imap._tcp.${D}`]: { SRV: 'servfail' },
      'imap.example.org': A,
    };
    const { probe } = fakeProbe({ 'imap.example.org:993': implicitOk });
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 2000 });
    expect(report).toMatchObject({ verdict: 'unknown', incomplete: false });
    expect(report.reasons[0]).toContain('not every endpoint it advertises was found or checked');
    expect(report.reasons[1]).toMatch(/^some SRV lookups failed \(_imap\._tcp\.example\.org: .*SERVFAIL/);
    expect(report.endpoints[0]).toMatchObject({ verdict: 'tls-only' });
  });

  test(`endpoints beyond the ${MAX_ENDPOINTS} probed leave tls-only unproven: unknown, saying how many`, async () => {
    const labels = ['_imaps', '_imap', '_pop3s', '_pop3', '_submissions', '_submission'];
    const zone: FakeZone = { 'mail.example.org': A };
    labels.forEach((label, index) => {
      zone[`${label}._tcp.${D}`] = {
        SRV: [srv('mail.example.org', 1000 + index), srv('mail.example.org', 2000 + index)],
      };
    });
    const xml =
      '<clientConfig version="1.1"><emailProvider id="example.org">' +
      '<incomingServer type="imap"><hostname>mail.example.org</hostname><port>3993</port><socketType>SSL</socketType></incomingServer>' +
      '</emailProvider></clientConfig>';
    const httpsGet: HttpsGet = async (url) =>
      url.startsWith(`https://autoconfig.${D}/`)
        ? { status: 200, headers: {}, body: Buffer.from(xml), address: '192.0.2.1' }
        : { status: 404, headers: {}, body: Buffer.alloc(0), address: '192.0.2.1' };
    const probe = async (target: AccessTarget): Promise<AccessProbeResult> => ({
      address: target.address,
      timings: {},
      ...(target.security === 'implicit' ? implicitOk : tlsOnly),
    });
    const report = await checkMailboxAccess(D, deps(zone, probe, httpsGet), { deadlineMs: 2000 });
    expect(report.endpoints).toHaveLength(MAX_ENDPOINTS);
    expect(report.verdict).toBe('unknown');
    expect(report.reasons).toContainEqual(
      `1 further advertised endpoint was not checked (at most ${MAX_ENDPOINTS} are)`,
    );
  });

  test('a stalling autoconfig host takes a third of the deadline at most: what SRV found is still probed', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      'imap.example.org': A,
    };
    const stalling: HttpsGet = (_url, options) =>
      new Promise((_resolve, reject) =>
        setTimeout(
          () =>
            reject(new HttpsGetError('HTTP_TIMEOUT', `no complete answer within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        ),
      );
    const { probe } = fakeProbe({ 'imap.example.org:993': implicitOk });
    const report = await checkMailboxAccess(D, deps(zone, probe, stalling), { deadlineMs: 3000 });
    expect(report).toMatchObject({ verdict: 'tls-only', incomplete: false });
    expect(report.reasons).toContainEqual(
      `fetching https://autoconfig.${D}/mail/config-v1.1.xml failed: no complete answer within 1000 ms`,
    );
  });

  test('the deadline leaves the verdict unknown with the evidence gathered so far', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      [`_pop3s._tcp.${D}`]: { SRV: [srv('pop.example.org', 995)] },
      'imap.example.org': A,
      'pop.example.org': A,
    };
    const probe = async (
      target: AccessTarget,
      options: { signal?: AbortSignal },
    ): Promise<AccessProbeResult> => {
      if (target.host === 'imap.example.org') return { address: target.address, ...implicitOk, timings: {} };
      return new Promise((_resolve, reject) =>
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
      );
    };
    const started = performance.now();
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 300 });
    expect(performance.now() - started).toBeLessThan(800);
    expect(report).toMatchObject({ verdict: 'unknown', incomplete: true });
    expect(report.reasons[0]).toContain(
      'did not finish within 300 ms: the probe of pop.example.org:995 (192.0.2.10)',
    );
    expect(report.endpoints.find((endpoint) => endpoint.port === 993)).toMatchObject({ verdict: 'tls-only' });
  });

  test('a plaintext endpoint found before the deadline stands: what was not checked can only make it worse', async () => {
    const zone: FakeZone = {
      [`_imap._tcp.${D}`]: { SRV: [srv('imap.example.org', 143)] },
      [`_pop3s._tcp.${D}`]: { SRV: [srv('pop.example.org', 995)] },
      'imap.example.org': A,
      'pop.example.org': A,
    };
    const probe = async (
      target: AccessTarget,
      options: { signal?: AbortSignal },
    ): Promise<AccessProbeResult> => {
      if (target.host === 'imap.example.org') {
        return {
          address: target.address,
          outcome: 'no-starttls',
          starttls: false,
          plaintextLogin: true,
          timings: {},
        };
      }
      return new Promise((_resolve, reject) =>
        options.signal?.addEventListener('abort', () => reject(options.signal?.reason)),
      );
    };
    const report = await checkMailboxAccess(D, deps(zone, probe), { deadlineMs: 300 });
    expect(report).toMatchObject({ verdict: 'plaintext', incomplete: true, ttlSeconds: 30 });
    expect(report.reasons[0]).toContain('imap.example.org:143 offers no STARTTLS');
    expect(report.reasons).toContainEqual(expect.stringContaining('the probe of pop.example.org:995'));
  });
});

describe('CachingMailboxService', () => {
  test('one check in flight per domain, the report kept for its TTL and answered from memory', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      'imap.example.org': A,
    };
    const { probe, probed } = fakeProbe({ 'imap.example.org:993': implicitOk });
    const { schedule: _schedule, ...rest } = deps(zone, probe);
    const service = new CachingMailboxService({ deps: rest, checkDeadlineMs: 2000 });
    const signal = new AbortController().signal;
    const [first, second] = await Promise.all([service.assess(D, { signal }), service.assess(D, { signal })]);
    expect(first).toBe(second);
    expect(first).toMatchObject({ verdict: 'tls-only', evidence: { srv: { state: 'records' } } });
    expect(service.kept(D)).toBe(first);
    expect(probed).toHaveLength(1);
    expect(service.stats.checks).toBe(1);
  });

  test('a report is kept for its TTL from DNS, and checked again once it expires', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      'imap.example.org': A,
    };
    const { probe, probed } = fakeProbe({ 'imap.example.org:993': implicitOk });
    const { schedule: _schedule, ...rest } = deps(zone, probe);
    const clock = new ManualClock();
    const service = new CachingMailboxService({ deps: rest, checkDeadlineMs: 2000, clock });
    expect((await service.report(D)).ttlSeconds).toBe(300);
    clock.advance(299_000);
    await service.report(D);
    expect([probed.length, service.kept(D)?.verdict]).toEqual([1, 'tls-only']);
    clock.advance(1000);
    expect(service.kept(D)?.verdict).toBe('tls-only'); // served stale while it is checked again
    await service.report(D);
    expect(probed).toHaveLength(2);
  });

  test('a caller that gives up gets unknown; the check runs on for the cache', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      'imap.example.org': A,
    };
    const probe = async (target: AccessTarget): Promise<AccessProbeResult> => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { address: target.address, ...implicitOk, timings: {} };
    };
    const { schedule: _schedule, ...rest } = deps(zone, probe);
    const service = new CachingMailboxService({ deps: rest, checkDeadlineMs: 2000 });
    const assessment = await service.assess(D, { signal: AbortSignal.timeout(10) });
    expect(assessment).toEqual({
      verdict: 'unknown',
      reasons: [`the mailbox-access check of ${D} was cancelled before it finished`],
    });
    expect((await service.report(D)).verdict).toBe('tls-only');
    expect(service.stats.checks).toBe(1);
  });
});
