/** POST /api/v1/assess against fake services: dedup, invalid entries, limits, the deadline, and staying up. */
import type { KeyAssessment } from '../../../src/core/wire';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { scratchDir } from '../../helpers/scratch';
import { deployedTestApp, FakeKeys, FakeTransport, gate, testApp } from './fakes';

const post = (recipients: unknown, extra: Record<string, unknown> = {}) => ({
  method: 'POST' as const,
  url: '/api/v1/assess',
  payload: { recipients, ...extra },
});

describe('POST /api/v1/assess', () => {
  test('two recipients on one domain make one transport check; each address one key lookup', async () => {
    const { app, fakeTransport, fakeKeys } = await testApp();
    const response = await app.inject(
      post([
        'Ann <ann@partner.example>',
        'bob@partner.example',
        'ANN@partner.example',
        'carol@other.example',
      ]),
    );
    expect(response.statusCode).toBe(200);
    expect(fakeTransport.calls.sort()).toEqual(['other.example', 'partner.example']);
    expect(fakeKeys.calls.sort()).toEqual([
      'ann@partner.example',
      'bob@partner.example',
      'carol@other.example',
    ]);
    const body = response.json();
    expect(body.partial).toBe(false);
    expect(body.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(body.recipients).toHaveLength(4);
    expect(body.recipients[0]).toEqual({
      input: 'Ann <ann@partner.example>',
      address: 'ann@partner.example',
      domain: 'partner.example',
      internal: false,
      transport: {
        domain: 'partner.example',
        verdict: 'encrypted',
        reasons: expect.any(Array),
        checkedAt: '2025-01-01T00:00:00.000Z',
      },
      key: expect.objectContaining({
        verdict: 'valid',
        fingerprint: expect.any(String),
        armoredKey: expect.any(String),
      }),
    });
    expect(body.recipients[1].key).toEqual({
      address: 'bob@partner.example',
      verdict: 'none',
      reasons: ['no key published'],
    });
  });

  test('internal recipients are not transport-checked', async () => {
    const { app, fakeTransport } = await testApp();
    const body = (await app.inject(post(['clerk@example.gov', 'x@sub.example.gov']))).json();
    expect(fakeTransport.calls).toEqual([]);
    expect(
      body.recipients.map((r: { internal: boolean; transport?: unknown }) => [r.internal, r.transport]),
    ).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  test('malformed addresses are reported per entry while the good ones are assessed', async () => {
    const { app } = await testApp();
    const response = await app.inject(post(['ann@partner.example', 'not an address', 'a@b@c.example', '']));
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.recipients.map((r: { address: string }) => r.address)).toEqual(['ann@partner.example']);
    expect(body.invalid).toEqual([
      { input: 'not an address', reason: expect.stringContaining('no @') },
      { input: 'a@b@c.example', reason: expect.any(String) },
      { input: '', reason: expect.any(String) },
    ]);
  });

  test('more recipients than the limit is a 400 that says so', async () => {
    const { app, fakeTransport } = await testApp();
    const recipients = Array.from({ length: 501 }, (_, i) => `user${i}@partner.example`);
    const response = await app.inject(post(recipients));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'body/recipients must NOT have more than 500 items' },
    });
    expect(fakeTransport.calls).toEqual([]);
    expect((await app.inject(post(recipients.slice(0, 500)))).statusCode).toBe(200);
  });

  test.each([
    ['a number in the list', { recipients: ['ann@partner.example', 42] }],
    ['a string for the list', { recipients: 'ann@partner.example' }],
    ['no list', {}],
    ['an unknown field', { recipients: [], classification: 'secret' }],
    ['an array body', ['ann@partner.example']],
  ])('wrong types are a 400: %s', async (_name, payload) => {
    const { app } = await testApp();
    const response = await app.inject({ method: 'POST', url: '/api/v1/assess', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  test('invalid JSON is a 400, a huge body a 413, and the service answers afterwards', async () => {
    const { app } = await testApp({ config: { limits: { bodyLimitBytes: 64 * 1024 } } });
    const broken = await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: { 'content-type': 'application/json' },
      payload: '{"recipients": [',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('BODY_INVALID');
    const huge = await app.inject(post(['x'.repeat(100 * 1024)]));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('BODY_TOO_LARGE');
    const fine = await app.inject(post(['ann@partner.example']));
    expect(fine.statusCode).toBe(200);
  });

  describe('parsing cost: RFC 5321 caps per address, a character cap per request', () => {
    const longDomain = `${'d'.repeat(63)}.${'d'.repeat(63)}.${'e'.repeat(54)}.example`;

    test('RFC 5321 §4.5.3.1: over-long addresses come back invalid with the limit named; the rest are assessed', async () => {
      const { app, fakeKeys } = await testApp();
      const response = await app.inject(
        post([
          `Ann <${'a'.repeat(64)}@${longDomain}>`,
          `${'b'.repeat(65)}@partner.example`,
          `"${'('.repeat(2000)}" ${'('.repeat(2000)}`,
          'ann@partner.example',
        ]),
      );
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.invalid.map((i: { reason: string }) => i.reason)).toEqual([
        'has an address over 254 bytes, the most RFC 5321 allows',
        'has a local part (before the @) over 64 bytes, the most RFC 5321 allows',
        'has comments nested more than 3 deep',
      ]);
      expect(body.recipients.map((r: { address: string }) => r.address)).toEqual(['ann@partner.example']);
      expect(fakeKeys.calls).toEqual(['ann@partner.example']);
    });

    // The shapes the grammar is slowest on per character (fuzzing found them), each as long as a mailbox may be.
    const slowShapes = [
      `${'a.'.repeat(127)}a <x@partner.example>`,
      `"": ${'a.'.repeat(120)}a: x@partner.example;`,
      `x@partner.example${' '.repeat(250)}(c) ,`,
      `${'a. '.repeat(84)}<y@partner.example>`,
      `${'a@b.c,'.repeat(42)}`,
      `a@partner.example ${'(((x)))'.repeat(8)}`,
      `"": ${'( )'.repeat(8)} x@partner.example;`,
    ];

    test("a request filled to its cap with the slowest shapes is answered within jest's default 5 s", async () => {
      const { app } = await testApp();
      const recipients: string[] = [];
      for (let total = 0; ;) {
        const next = slowShapes[recipients.length % slowShapes.length]!;
        total += JSON.stringify(next).length + 1;
        if (total > 500 * 64) break;
        recipients.push(next);
      }
      const response = await app.inject(post(recipients));
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.recipients.length + body.invalid.length).toBe(recipients.length);
    }, 5000);

    test("a body over the request's character cap is a 413, however the entries are split", async () => {
      const { app, fakeTransport } = await testApp();
      const entry = `${'a.'.repeat(30)}a <x@partner.example>`;
      const response = await app.inject(post(Array.from({ length: 500 }, () => entry)));
      expect(response.statusCode).toBe(413);
      expect(response.json().error.code).toBe('BODY_TOO_LARGE');
      expect(fakeTransport.calls).toEqual([]);
      // The cap follows limits.maxRecipients: a service allowing more recipients takes larger bodies.
      const larger = await testApp({ config: { limits: { maxRecipients: 1000 } } });
      expect((await larger.app.inject(post(Array.from({ length: 500 }, () => entry)))).statusCode).toBe(200);
    });
  });

  test('at the deadline the unknown rest is "still being checked", partial; the check finishes into the cache', async () => {
    const { app, fakeTransport, fakeKeys } = await testApp({ config: { limits: { assessDeadlineMs: 50 } } });
    const slow = gate();
    fakeTransport.held.set('slow.example', slow.opened);
    fakeKeys.held.set('bob@slow.example', slow.opened);
    const first = (await app.inject(post(['ann@partner.example', 'bob@slow.example']))).json();
    expect(first.partial).toBe(true);
    expect(first.recipients[0].transport.verdict).toBe('encrypted');
    expect(first.recipients[1].transport).toEqual({
      domain: 'slow.example',
      verdict: 'unknown',
      reasons: ['still being checked; ask again shortly'],
    });
    expect(first.recipients[1].key).toMatchObject({
      verdict: 'unknown',
      reasons: ['still being checked; ask again shortly'],
    });
    // The check was not cancelled with the request: it runs on under its own deadline.
    expect(fakeTransport.signals.every((signal) => !signal.aborted)).toBe(true);
    slow.open();
    await fakeTransport.finished.get('slow.example');
    await fakeKeys.finished.get('bob@slow.example');
    const second = (await app.inject(post(['ann@partner.example', 'bob@slow.example']))).json();
    expect(second.partial).toBe(false);
    expect(second.recipients[1].transport.verdict).toBe('encrypted');
    expect(fakeTransport.calls.filter((d) => d === 'slow.example')).toHaveLength(1);
  });

  test('each check is bounded by its own deadline, longer than the answer', async () => {
    const { app, fakeTransport } = await testApp({
      config: { limits: { assessDeadlineMs: 20, lookupDeadlineMs: 60 } },
    });
    fakeTransport.held.set('slow.example', new Promise(() => undefined));
    await app.inject(post(['bob@slow.example']));
    const [signal] = fakeTransport.signals;
    expect(signal?.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(signal?.aborted).toBe(true);
  });

  test('a check that throws becomes unknown for that domain only', async () => {
    const { app } = await testApp();
    const body = (await app.inject(post(['a@explodes.example', 'ann@partner.example']))).json();
    expect(body.recipients[0].transport).toMatchObject({
      verdict: 'unknown',
      reasons: ['the check failed; ask again shortly'],
    });
    expect(body.recipients[1].transport.verdict).toBe('encrypted');
    expect(body.partial).toBe(false);
  });

  test('a key that is not valid is never handed out armored', async () => {
    const keys = new (class extends FakeKeys {
      override async lookup(address: string): Promise<KeyAssessment> {
        return {
          address,
          verdict: 'invalid',
          reasons: ['expired'],
          armoredKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----',
        };
      }
    })();
    const { app } = await testApp({ deps: { keys, transport: new FakeTransport() } });
    const body = (await app.inject(post(['ann@partner.example']))).json();
    expect(body.recipients[0].key).toEqual({
      address: 'ann@partner.example',
      verdict: 'invalid',
      reasons: ['expired'],
    });
  });

  test('as deployed: a signed-in sender learns which provider each recipient signs in with for secure pickup', async () => {
    const dataDir = scratchDir('assess');
    const store = openSqliteStore(dataDir);
    const { app, authorization } = await deployedTestApp({
      config: { dataDir },
      deps: {
        store,
        escrow: {
          store,
          mailer: { send: async () => undefined },
          signIn: {
            providerFor: async (address) =>
              address.endsWith('@gmail.com') ? { provider: 'google', label: 'Google' } : undefined,
          },
        },
      },
    });
    const recipients = ['ana@gmail.com', 'ann@partner.example'];
    expect((await app.inject(post(recipients))).statusCode).toBe(401);
    const body = (await app.inject({ ...post(recipients), headers: { authorization } })).json();
    expect(body.recipients.map((r: { address: string; signIn?: unknown }) => [r.address, r.signIn])).toEqual([
      ['ana@gmail.com', { provider: 'google', label: 'Google' }],
      ['ann@partner.example', undefined],
    ]);
    await app.close();
    store.close();
  });
});
