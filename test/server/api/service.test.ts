/** The rest of the surface: health, metrics, OpenAPI, headers, limits, logs, and the key and domain routes. */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { KeyAssessment } from '../../../src/core/wire';
import { canonicalJson } from '../../../src/server/api/conditional-answer';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { keyringInStore } from '../../../src/server/keys/store-backed';
import { openMemoryStore, type MemoryStore } from '../../../src/server/store/memory';
import { fakeDns } from '../../helpers/fake-dns';
import { ManualClock } from '../../helpers/clock';
import { ARMORED, FINGERPRINT, deployedTestApp, logCollector, testApp } from './fakes';

describe('operations', () => {
  test('GET /healthz answers without a token', async () => {
    const { app } = await testApp({ config: { auth: { apiTokens: true } } });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  test('GET /metrics is Prometheus text with request, latency and check series by route pattern', async () => {
    const { app } = await testApp();
    await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      payload: { recipients: ['ann@partner.example'] },
    });
    await app.inject({ url: '/api/v1/keys/ann@partner.example' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.body;
    expect(text).toContain('# TYPE sendguard_http_requests_total counter');
    expect(text).toContain(
      'sendguard_http_requests_total{method="POST",route="/api/v1/assess",status="200"} 1',
    );
    expect(text).toContain(
      'sendguard_http_request_duration_seconds_bucket{method="POST",route="/api/v1/assess",le="+Inf"} 1',
    );
    expect(text).toContain('sendguard_check_outcomes_total{check="transport",verdict="encrypted"} 1');
    expect(text).toContain('sendguard_check_outcomes_total{check="key",verdict="valid"} 2');
    expect(text).toContain('# TYPE sendguard_cache_lookups_total counter');
    expect(text).not.toContain('ann@partner.example');
    for (const line of text.trim().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/);
  });

  test('/metrics needs an admin token by default; metrics.requireAdmin: false opens it', async () => {
    const store = openMemoryStore();
    const { app } = await testApp({ config: { auth: { apiTokens: true } }, deps: { store } });
    const { token: sender } = await issueApiToken(store.tokens, { name: 'ann', role: 'sender' });
    const { token: admin } = await issueApiToken(store.tokens, { name: 'ops', role: 'admin' });
    const scrape = (token?: string) =>
      app.inject({ url: '/metrics', headers: token ? { authorization: `Bearer ${token}` } : {} });
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(sender)).statusCode).toBe(403);
    const allowed = await scrape(admin);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('# TYPE sendguard_http_requests_total counter');
    const open = await testApp({ config: { auth: { apiTokens: true }, metrics: { requireAdmin: false } } });
    expect((await open.app.inject({ url: '/metrics' })).statusCode).toBe(200);
  });

  test('GET /api/v1/openapi.json is an OpenAPI document listing the routes, readable without a token', async () => {
    const { app } = await testApp({ config: { auth: { apiTokens: true } } });
    const response = await app.inject({ url: '/api/v1/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/assess',
        '/api/v1/domains/{domain}',
        '/api/v1/keys/{address}',
        '/api/v1/policy',
        '/api/v1/admin/pins/{address}',
        '/api/v1/admin/keyring',
        '/api/v1/admin/keyring/{fingerprint}',
        '/api/v1/admin/tokens',
        '/api/v1/admin/tokens/{id}',
      ]),
    );
    expect(
      document.paths['/api/v1/assess'].post.requestBody.content['application/json'].schema.properties
        .recipients.maxItems,
    ).toBe(500);
  });

  test('responses carry security headers', async () => {
    const { app } = await testApp();
    const { headers } = await app.inject({ url: '/api/v1/policy' });
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    // Framing is limited by CSP rather than X-Frame-Options, which cannot name Outlook's origins for the pane.
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
  });

  test('too many requests from one address get 429 with Retry-After', async () => {
    const { app } = await testApp({
      config: { limits: { rateLimit: { perIp: { max: 3, windowMs: 60_000 } } } },
    });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ url: '/api/v1/policy' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429]);
    const limited = await app.inject({ url: '/api/v1/policy' });
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  test('too many requests from one caller get 429 even from fresh addresses', async () => {
    const store = openMemoryStore();
    const { app } = await testApp({
      config: {
        auth: { apiTokens: true },
        limits: { rateLimit: { perCaller: { max: 2, windowMs: 60_000 } } },
      },
      deps: { store },
    });
    const { token } = await issueApiToken(store.tokens, { name: 'busy', role: 'sender' });
    const { token: other } = await issueApiToken(store.tokens, { name: 'quiet', role: 'sender' });
    const call = (bearer: string, i: number) =>
      app.inject({
        url: '/api/v1/policy',
        remoteAddress: `192.0.2.${i}`,
        headers: { authorization: `Bearer ${bearer}` },
      });
    const codes = [];
    for (let i = 1; i <= 3; i++) codes.push((await call(token, i)).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    expect((await call(other, 9)).statusCode).toBe(200);
  });

  test('logs hold neither the bearer token nor recipient addresses', async () => {
    const log = logCollector();
    const store = openMemoryStore();
    const { app } = await testApp({ config: { auth: { apiTokens: true } }, deps: { store, logStream: log } });
    const { token } = await issueApiToken(store.tokens, { name: 'cli', role: 'sender' });
    const auth = { authorization: `Bearer ${token}` };
    await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: auth,
      payload: { recipients: ['Zed Secret <zed.secret@partner.example>', 'bad@@x'] },
    });
    await app.inject({ url: '/api/v1/keys/zed.secret@partner.example', headers: auth });
    await app.inject({ url: '/api/v1/keys/zed.secret@@partner.example', headers: auth });
    await app.inject({ url: '/api/v1/policy', headers: { authorization: `Bearer ${token}x` } });
    await app.inject({ url: '/api/v1/no/zed.secret@partner.example', headers: auth });
    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(5);
    expect(text).toContain('/api/v1/keys/:address');
    expect(text).not.toContain(token.slice(3));
    expect(text).not.toMatch(/zed|secret|bad@@x/i);
  });
});

describe('policy, keys and domains', () => {
  test('GET /api/v1/policy returns the policy and the SHA-256 of its canonical JSON', async () => {
    const { app, policy } = await testApp();
    const body = (await app.inject({ url: '/api/v1/policy' })).json();
    // Served with the service's own escrow limit (test/server/api/served-limits.test.ts); hashed without it.
    const served = { ...policy, escrow: { ...policy.escrow, maxMessageBytes: 256 * 1024 * 1024 } };
    expect(body.policy).toEqual(JSON.parse(JSON.stringify(served)));
    expect(body.version).toBe(createHash('sha256').update(canonicalJson(policy)).digest('hex'));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });

  test('GET /api/v1/domains/:domain returns the full report, evidence included, for the A-label', async () => {
    const { app, fakeTransport } = await testApp();
    const body = (
      await app.inject({ url: `/api/v1/domains/${encodeURIComponent('Bücher.Example')}` })
    ).json();
    expect(fakeTransport.calls).toEqual(['xn--bcher-kva.example']);
    expect(body).toMatchObject({
      domain: 'xn--bcher-kva.example',
      verdict: 'encrypted',
      evidence: { mx: [expect.any(Object)] },
    });
    const bad = await app.inject({ url: '/api/v1/domains/nodot' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('DOMAIN_INVALID');
  });

  test('GET /api/v1/keys/:address includes the armored key only with ?armor=1', async () => {
    const { app } = await testApp();
    const plain = (await app.inject({ url: '/api/v1/keys/ann@partner.example' })).json();
    expect(plain).toMatchObject({ verdict: 'valid', fingerprint: FINGERPRINT });
    expect(plain.armoredKey).toBeUndefined();
    expect((await app.inject({ url: '/api/v1/keys/ann@partner.example?armor=1' })).json().armoredKey).toBe(
      ARMORED,
    );
    expect((await app.inject({ url: '/api/v1/keys/ann@partner.example?armor=yes' })).statusCode).toBe(400);
    expect((await app.inject({ url: '/api/v1/keys/not-an-address' })).json().error.code).toBe(
      'ADDRESS_INVALID',
    );
  });

  test('an admin pins a fingerprint for the normalised address; its cached key verdict is dropped', async () => {
    const clock = new ManualClock(Date.parse('2025-05-01T00:00:00Z'));
    const store = openMemoryStore();
    const { app } = await testApp({ deps: { store, keys: storeBackedKeys(store, clock), clock } });
    await store.keyVerdicts.put('ann@partner.example', NO_KEY, 9e12);
    const pin = (fingerprint: string) =>
      app.inject({ method: 'PUT', url: '/api/v1/admin/pins/Ann@Partner.Example', payload: { fingerprint } });
    const first = await pin(FINGERPRINT);
    expect(first.json()).toEqual({
      address: 'ann@partner.example',
      fingerprint: FINGERPRINT,
      firstSeen: '2025-05-01T00:00:00.000Z',
      acceptedBy: 'dev',
    });
    expect(await store.pins.get('ann@partner.example')).toEqual(first.json());
    expect(await store.keyVerdicts.get('ann@partner.example')).toBeUndefined();
    expect((await pin('abc')).statusCode).toBe(400);
  });

  test('an admin adds, lists and removes keyring keys; each change drops the cached verdicts of the key addresses', async () => {
    const clock = new ManualClock(Date.parse('2025-05-01T00:00:00Z'));
    const store = openMemoryStore();
    const { app } = await testApp({ deps: { store, keys: storeBackedKeys(store, clock), clock } });
    await store.keyVerdicts.put('ann@partner.example', NO_KEY, 9e12);
    const added = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keyring',
      payload: { armoredKey: ARMORED },
    });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({
      fingerprint: FINGERPRINT,
      addresses: ['ann@partner.example'],
      addedBy: 'dev',
    });
    expect(await store.keyVerdicts.get('ann@partner.example')).toBeUndefined();
    expect((await store.keyring.findByAddress('ann@partner.example'))[0]?.armoredKey).toBe(ARMORED);
    const listed = (await app.inject({ url: '/api/v1/admin/keyring' })).json();
    expect(listed).toEqual([expect.objectContaining({ fingerprint: FINGERPRINT })]);
    expect(listed[0].armoredKey).toBeUndefined();
    const unreadable = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keyring',
      payload: { armoredKey: 'hello' },
    });
    expect(unreadable.json().error.code).toBe('KEY_UNREADABLE');
    await store.keyVerdicts.put('ann@partner.example', NO_KEY, 9e12);
    const remove = { method: 'DELETE' as const, url: `/api/v1/admin/keyring/${FINGERPRINT}` };
    expect((await app.inject(remove)).statusCode).toBe(204);
    expect(await store.keyVerdicts.get('ann@partner.example')).toBeUndefined();
    expect((await app.inject(remove)).statusCode).toBe(404);
  });
});

const NO_KEY: KeyAssessment = { address: 'ann@partner.example', verdict: 'none', reasons: [] };

/** The real key service over `store`, for the admin routes; it never gets as far as the network here. */
function storeBackedKeys(store: MemoryStore, clock: ManualClock): CachingKeyService {
  const refused = async (): Promise<never> => {
    throw new Error('no network in this test');
  };
  return new CachingKeyService(
    {
      network: { resolveAddresses: refused, allowPrivateAddresses: false },
      dns: fakeDns({}).client,
      pins: store.pins,
      orgKeyring: keyringInStore(store.keyring),
      clock,
    },
    { minRsaBits: 2048, allowLegacyAlgorithms: false, vksBaseUrl: null, cache: store.keyVerdicts },
  );
}

describe('over real HTTP', () => {
  test('serves on an ephemeral 127.0.0.1 port and survives bad input', async () => {
    const { app, authorization } = await deployedTestApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const assess = (body: string) =>
        fetch(`${base}/api/v1/assess`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body,
        });
      expect((await assess('{"recipients":[1,2')).status).toBe(400);
      expect((await assess(JSON.stringify({ recipients: Array(501).fill('a@b.example') }))).status).toBe(400);
      expect((await assess(JSON.stringify({ recipients: ['x'.repeat(2 * 1024 * 1024)] }))).status).toBe(413);
      const good = await assess(JSON.stringify({ recipients: ['ann@partner.example'] }));
      expect(good.status).toBe(200);
      expect(((await good.json()) as any).recipients[0].key.verdict).toBe('valid');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
