/**
 * getStsPolicy with fakes that implement the real interfaces: a TXT zone, an HttpsGet policy host, the in-memory
 * cache and a settable clock. The order of events is what matters here: lookups, fetches, cache hits, downgrades.
 */
import { HttpsGetError, type HttpsGet, type HttpsResponse } from '../../../src/server/net/https-get';
import {
  getStsPolicy,
  MemoryStsCache,
  type StsDeps,
  type StsStatus,
  type TxtAnswer,
} from '../../../src/server/transport/mta-sts';
import { ManualClock } from '../../helpers/clock';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 0, 1);
const ENFORCE = 'version: STSv1\nmode: enforce\nmx: mail.example.test\nmax_age: 86400\n';
const TESTING = ENFORCE.replace('enforce', 'testing');

const txt = (...texts: string[]): TxtAnswer => ({
  status: 'answer',
  records: texts.map((text) => [text]),
  ttl: 300,
});

/** A test bed: one domain's `_mta-sts` answer and policy host, changeable between calls. */
function bed() {
  const state = {
    clock: new ManualClock(START),
    record: txt('v=STSv1; id=v1') as TxtAnswer | Error,
    host: ok(ENFORCE) as HttpsResponse | Error,
    lookups: [] as string[],
    fetches: [] as string[],
  };
  const httpsGet: HttpsGet = async (url) => {
    state.fetches.push(url);
    if (state.host instanceof Error) throw state.host;
    return state.host;
  };
  const deps: StsDeps = {
    lookupTxt: async (name) => {
      state.lookups.push(name);
      if (state.record instanceof Error) throw state.record;
      return state.record;
    },
    httpsGet,
    resolveAddresses: async () => ['192.0.2.1'],
    allowPrivateAddresses: false,
    cache: new MemoryStsCache(),
    clock: state.clock,
  };
  return { state, check: (domain = 'example.test') => getStsPolicy(domain, deps) };
}

function ok(body: string): HttpsResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: Buffer.from(body),
    address: '192.0.2.1',
  };
}

const serverError: HttpsResponse = { ...ok('oops'), status: 500 };
const expiredCertificate = new HttpsGetError('HTTP_TLS_FAILED', 'TLS failed', {
  tlsCode: 'CERT_HAS_EXPIRED',
});
const servfail = Object.assign(new Error('queryTxt ESERVFAIL _mta-sts.example.test'), { code: 'ESERVFAIL' });

function mode(status: StsStatus): string {
  return status.state === 'policy' ? status.policy.mode : status.state;
}

describe('getStsPolicy', () => {
  test('RFC 8461 §3.1: no _mta-sts record means no policy, and nothing is fetched', async () => {
    for (const record of [{ status: 'nxdomain' }, { status: 'nodata' }, txt('v=spf1 -all')] as TxtAnswer[]) {
      const { state, check } = bed();
      state.record = record;
      expect(await check()).toEqual({ state: 'none', reason: 'the domain publishes no MTA-STS record' });
      expect(state.fetches).toEqual([]);
    }
  });

  test('RFC 8461 §3.1: two v=STSv1 records are no policy, and the reason says so', async () => {
    const { state, check } = bed();
    state.record = txt('v=STSv1; id=a', 'v=STSv1; id=b');
    expect(await check()).toEqual({ state: 'none', reason: expect.stringContaining('2 MTA-STS records') });
  });

  test('RFC 8461 §3.1: a record without a valid id is no policy', async () => {
    const { state, check } = bed();
    state.record = txt('v=STSv1; id=2016-08-31');
    expect(await check()).toMatchObject({ state: 'none', reason: expect.stringContaining('invalid') });
  });

  test('RFC 8461 §3: looks up _mta-sts.<domain>, fetches the policy and reports when it expires', async () => {
    const { state, check } = bed();
    expect(await check()).toEqual({
      state: 'policy',
      policy: { version: 'STSv1', mode: 'enforce', maxAge: 86400, mx: ['mail.example.test'] },
      id: 'v1',
      fromCache: false,
      fetchedAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-02T00:00:00.000Z',
    });
    expect(state.lookups).toEqual(['_mta-sts.example.test']);
    expect(state.fetches).toEqual(['https://mta-sts.example.test/.well-known/mta-sts.txt']);
  });

  test('the domain is looked up as a lower-case A-label without the root dot', async () => {
    const { state, check } = bed();
    await check('Example.TEST.');
    await check('münchen.example');
    expect(state.lookups).toEqual(['_mta-sts.example.test', '_mta-sts.xn--mnchen-3ya.example']);
    expect(state.fetches[1]).toBe('https://mta-sts.xn--mnchen-3ya.example/.well-known/mta-sts.txt');
  });

  test('RFC 8461 §5.1: an unexpired cached policy with the same id is used without fetching', async () => {
    const { state, check } = bed();
    await check();
    state.clock.advance(23 * HOUR);
    expect(await check()).toMatchObject({ state: 'policy', id: 'v1', fromCache: true });
    expect(state.lookups).toHaveLength(2);
    expect(state.fetches).toHaveLength(1);
  });

  test('RFC 8461 §5.1: an expired policy is fetched again even when the id is unchanged', async () => {
    const { state, check } = bed();
    await check();
    state.clock.advance(25 * HOUR);
    expect(await check()).toMatchObject({
      state: 'policy',
      fromCache: false,
      fetchedAt: '2026-01-02T01:00:00.000Z',
    });
    expect(state.fetches).toHaveLength(2);
  });

  test('RFC 8461 §3.2: max_age 0 is a policy that must be fetched every time', async () => {
    const { state, check } = bed();
    state.host = ok(ENFORCE.replace('86400', '0'));
    await check();
    expect(await check()).toMatchObject({ state: 'policy', fromCache: false });
    expect(state.fetches).toHaveLength(2);
  });

  test('RFC 8461 §3.1: a new id means a new policy is fetched and replaces the cached one', async () => {
    const { state, check } = bed();
    await check();
    state.record = txt('v=STSv1; id=v2');
    state.host = ok(TESTING);
    expect(await check()).toMatchObject({
      state: 'policy',
      id: 'v2',
      fromCache: false,
      policy: { mode: 'testing' },
    });
  });

  test('RFC 8461 §8.3: a new mode none policy withdraws the cached enforce policy', async () => {
    const { state, check } = bed();
    await check();
    state.record = txt('v=STSv1; id=v2');
    state.host = ok('version: STSv1\nmode: none\nmax_age: 86400\n');
    expect(await check()).toMatchObject({ state: 'policy', id: 'v2', policy: { mode: 'none', mx: [] } });
  });

  test('a DNS failure without a cached policy fails, and is told apart from no record', async () => {
    const { state, check } = bed();
    state.record = servfail;
    expect(await check()).toEqual({
      state: 'failed',
      code: 'STS_DNS_FAILED',
      reason: expect.stringContaining('ESERVFAIL'),
      resultType: 'sts-policy-fetch-error',
    });
  });

  test.each([
    ['HTTP 500', 'STS_HTTP_STATUS', 'sts-policy-fetch-error', serverError],
    ['an expired certificate', 'STS_CERT_INVALID', 'sts-webpki-invalid', expiredCertificate],
    [
      'an invalid policy',
      'STS_POLICY_INVALID',
      'sts-policy-invalid',
      ok(ENFORCE.replace('enforce', 'reject')),
    ],
    ['a wrong media type', 'STS_WRONG_CONTENT_TYPE', 'sts-policy-invalid', { ...ok(ENFORCE), headers: {} }],
    [
      'an oversized policy',
      'STS_POLICY_TOO_LARGE',
      'sts-policy-invalid',
      new HttpsGetError('HTTP_BODY_TOO_LARGE', ''),
    ],
    [
      'a time-out',
      'STS_FETCH_FAILED',
      'sts-policy-fetch-error',
      new HttpsGetError('HTTP_TIMEOUT', 'too slow'),
    ],
  ])(
    'RFC 8460 §4.3.2.2: without a cached policy, %s fails with %s (%s)',
    async (_what, code, resultType, host) => {
      const { state, check } = bed();
      state.host = host;
      expect(await check()).toEqual({ state: 'failed', code, reason: expect.any(String), resultType });
    },
  );

  test('RFC 8461 §3.2: a 64 KiB policy built against backtracking parsers fails at once as invalid, naming its line', async () => {
    const { state, check } = bed();
    const line = `mx:${' '.repeat(64 * 1024 - ENFORCE.length - 5)}\rx`;
    state.host = ok(ENFORCE + line);
    const started = performance.now();
    expect(await check()).toEqual({
      state: 'failed',
      code: 'STS_POLICY_INVALID',
      reason: `line 5 of the policy is ${line.length} characters long, more than the 512 allowed`,
      resultType: 'sts-policy-invalid',
    });
    // Generous: about a millisecond; the pattern this replaced would have run for hours.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('RFC 8461 §3.1: a 60 KB _mta-sts record is invalid, and nothing is fetched', async () => {
    const { state, check } = bed();
    state.record = {
      status: 'answer',
      records: [['v=STSv1;', ...Array(235).fill(' ;'.repeat(127))]],
      ttl: 300,
    };
    expect(await check()).toEqual({
      state: 'none',
      reason: expect.stringMatching(/^the MTA-STS record is invalid: the record is \d+ octets long/),
    });
    expect(state.fetches).toEqual([]);
  });

  describe('RFC 8461 §5.1, §10.2: a failed refresh never downgrades an unexpired cached policy', () => {
    test.each([
      ['the TXT record disappears', { record: { status: 'nxdomain' } as TxtAnswer }],
      ['the TXT record becomes two', { record: txt('v=STSv1; id=a', 'v=STSv1; id=b') }],
      ['the TXT lookup fails', { record: servfail }],
      ['a new id comes with HTTP 500', { record: txt('v=STSv1; id=v9'), host: serverError }],
      ['a new id comes with a bad certificate', { record: txt('v=STSv1; id=v9'), host: expiredCertificate }],
      ['a new id comes with an invalid policy', { record: txt('v=STSv1; id=v9'), host: ok('garbage') }],
    ])('%s', async (_what, attack: Partial<{ record: TxtAnswer | Error; host: HttpsResponse | Error }>) => {
      const { state, check } = bed();
      await check();
      state.clock.advance(HOUR);
      Object.assign(state, attack);
      const status = await check();
      expect(status).toMatchObject({
        state: 'policy',
        id: 'v1',
        fromCache: true,
        policy: { mode: 'enforce' },
      });
    });

    test('the kept policy carries the refresh failure as evidence', async () => {
      const { state, check } = bed();
      await check();
      Object.assign(state, { record: txt('v=STSv1; id=v9'), host: expiredCertificate });
      expect(await check()).toMatchObject({
        fromCache: true,
        refreshFailure: { code: 'STS_CERT_INVALID', resultType: 'sts-webpki-invalid' },
      });
    });

    test('an attacker’s run of failures leaves enforce in place until the owner publishes a new policy', async () => {
      const { state, check } = bed();
      const steps: [Partial<typeof state>, string][] = [
        [{}, 'enforce'],
        [{ record: { status: 'nxdomain' } }, 'enforce'],
        [{ record: servfail }, 'enforce'],
        [{ record: txt('v=STSv1; id=v9'), host: serverError }, 'enforce'],
        [
          { record: txt('v=STSv1; id=v9'), host: new HttpsGetError('HTTP_NAME_NOT_FOUND', 'no address') },
          'enforce',
        ],
        [{ record: txt('v=STSv1; id=v2'), host: ok(TESTING) }, 'testing'],
      ];
      for (const [change, expected] of steps) {
        Object.assign(state, change);
        state.clock.advance(HOUR);
        expect(mode(await check())).toBe(expected);
      }
    });
  });

  test('RFC 8461 §5.1: once the cached policy has expired, a failed refresh is a failure', async () => {
    const { state, check } = bed();
    await check();
    state.clock.advance(25 * HOUR);
    state.host = serverError;
    expect(await check()).toMatchObject({ state: 'failed', code: 'STS_HTTP_STATUS' });
    state.record = { status: 'nxdomain' };
    expect(await check()).toMatchObject({ state: 'none' });
  });

  test('a string that is not a domain name is refused outright', () => {
    const { check } = bed();
    expect(() => check('exa mple..test')).toThrow(expect.objectContaining({ code: 'DOMAIN_INVALID' }));
  });
});

describe('MemoryStsCache', () => {
  const entry = (mx: string[]) => ({
    policy: { version: 'STSv1' as const, mode: 'enforce' as const, maxAge: 86400, mx },
    id: 'v1',
    fetchedAt: START,
    expiresAt: START + HOUR,
  });

  test('policies of many domains push the least recently used out rather than grow the process', async () => {
    const cache = new MemoryStsCache({ maxEntries: 2 });
    await cache.set('a.example', entry(['mx.a.example']));
    await cache.set('b.example', entry(['mx.b.example']));
    await cache.get('a.example');
    await cache.set('c.example', entry(['mx.c.example']));
    expect(await cache.get('b.example')).toBeUndefined();
    expect(await cache.get('a.example')).toBeDefined();
    expect(await cache.get('c.example')).toBeDefined();
  });

  test('a few large policies (64 KiB of mx lines each) cannot fill it beyond its size', async () => {
    const large = entry(Array.from({ length: 6000 }, (_, i) => `mx${i}.example`));
    const cache = new MemoryStsCache({ maxSize: 200_000 });
    await cache.set('small.example', entry(['mx.small.example']));
    for (const domain of ['big1.example', 'big2.example']) await cache.set(domain, large);
    expect(await cache.get('big2.example')).toBe(large);
    expect(await cache.get('big1.example')).toBeUndefined();
    expect(await cache.get('small.example')).toBeUndefined();
  });
});
