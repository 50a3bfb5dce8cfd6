/**
 * The pane's sign-in settings kept between openings (kept-sign-in-settings.ts), against the real service over
 * HTTP as deployed: the first opening asks at once and keeps the answer with its ETag; the next signs in with the
 * kept copy while the service confirms it (304); a copy the service no longer gives is not followed — what was
 * asked under it is asked again under the service's answer — and a damaged one is as none.
 */
import type { AddressInfo } from 'node:net';
import { BackendError, needsSignIn } from '../../src/addin/backend';
import { pageAnswerStore } from '../../src/addin/answer-store';
import { keptSignInSettings } from '../../src/outlook/auth/kept-sign-in-settings';
import type { NestedAppAuth } from '../../src/outlook/auth/naa';
import { outlookSignIn } from '../../src/outlook/auth/outlook-sign-in';
import type { OfficeForSignIn } from '../../src/outlook/auth/token-chain';
import { memoryStore } from '../addin/memory-answer-store';
import { deployedTestApp } from '../server/api/fakes';

const CLIENT = '6d1c0b8e-0000-4000-8000-000000000001';
const ENTRA_CONFIG = {
  tenantId: '11111111-2222-4333-8444-555555555555',
  clientId: CLIENT,
  jwksUri: 'http://127.0.0.1:9/keys',
};

/** An Outlook with nested app authentication. */
const office: OfficeForSignIn = { context: { requirements: { isSetSupported: () => true } } };

/** MSAL's silent sign-in, recording the app registration it was asked for; its token is not one the service knows. */
function recordingNaa() {
  const asked: string[] = [];
  const naa: NestedAppAuth = {
    silent: async (entra) => (asked.push(entra.clientId), 'naa-token'),
    interactive: async () => 'naa-token',
  };
  return { naa, asked };
}

interface Seen {
  url: string;
  status: number;
  ifNoneMatch?: string;
  authorization?: string;
}

/** The deployed service on a loopback port, with every request it answered. */
async function service(config: Parameters<typeof deployedTestApp>[0] = {}) {
  const deployed = await deployedTestApp(config);
  const seen: Seen[] = [];
  deployed.app.addHook('onResponse', async (request, reply) => {
    const { 'if-none-match': ifNoneMatch, authorization } = request.headers;
    seen.push({
      url: request.url,
      status: reply.statusCode,
      ...(ifNoneMatch ? { ifNoneMatch } : {}),
      ...(authorization ? { authorization } : {}),
    });
  });
  await deployed.app.listen({ host: '127.0.0.1', port: 0 });
  const backendUrl = `http://127.0.0.1:${(deployed.app.server.address() as AddressInfo).port}`;
  const signInAnswers = () => seen.filter((s) => s.url === '/api/v1/sign-in');
  const policyAnswers = () => seen.filter((s) => s.url === '/api/v1/policy');
  /**
   * A request stopped before it was sent (made again under the service's settings) can leave a connection with no
   * request on it, which closing waits for until the client gives it up: closed at once instead.
   */
  const close = async () => {
    deployed.app.server.closeAllConnections();
    await deployed.app.close();
  };
  return { ...deployed, seen, backendUrl, signInAnswers, policyAnswers, close };
}

/** A store holding settings kept when the service signed in with Entra; the services here take API tokens. */
function keptEntraCopy() {
  const store = memoryStore();
  store.kept = {
    etag: '"entra-before"',
    body: { entra: { clientId: CLIENT, authority: 'https://login.example/t', scopes: ['api://x/y'] } },
  };
  return store;
}

/** One opening of the pane over `store`: the settings asked as the script runs, then the sign-in and backend. */
function open(backendUrl: string, token: string, store: ReturnType<typeof memoryStore>, naa?: NestedAppAuth) {
  const config = { backendUrl, token };
  const source = keptSignInSettings(config, store);
  return { source, signIn: outlookSignIn(office, config, naa, undefined, source) };
}

test('kept after the first opening; the next signs in with the kept copy, which the service confirms (304)', async () => {
  const svc = await service();
  try {
    const store = memoryStore();
    const first = open(svc.backendUrl, svc.token, store);
    await first.signIn.backend.policy();
    // Asked once, as the script ran; the token chain took that answer.
    expect(svc.signInAnswers()).toEqual([{ url: '/api/v1/sign-in', status: 200 }]);
    expect(store.kept).toEqual({ etag: expect.stringMatching(/^"[\w-]+"$/), body: { entra: null } });
    const etag = store.kept!.etag;

    const second = open(svc.backendUrl, svc.token, store);
    const policy = await second.signIn.backend.policy();
    expect(policy.version).toMatch(/^[0-9a-f]{64}$/);
    await expect(second.source.confirmed!()).resolves.toBe(true);
    expect(svc.signInAnswers()[1]).toEqual({ url: '/api/v1/sign-in', status: 304, ifNoneMatch: etag });
    // The policy was asked once in this opening: made under the kept copy, which the service confirmed.
    expect(svc.policyAnswers()).toHaveLength(2);
    expect(svc.policyAnswers()[1]).toMatchObject({ status: 200, authorization: `Bearer ${svc.token}` });
    // A later caller asks anew.
    await second.source.settings();
    expect(svc.signInAnswers()).toHaveLength(3);
  } finally {
    await svc.close();
  }
});

test('a kept copy the service no longer gives: the pane follows the service’s answer and asks again under it', async () => {
  const svc = await service();
  try {
    // Kept when this service signed in with Entra; it now takes the configured API token.
    const store = keptEntraCopy();
    const { naa, asked } = recordingNaa();
    const { source, signIn } = open(svc.backendUrl, svc.token, store, naa);

    const policy = await signIn.backend.policy();
    expect(policy.version).toMatch(/^[0-9a-f]{64}$/);
    expect(svc.signInAnswers()).toEqual([
      { url: '/api/v1/sign-in', status: 200, ifNoneMatch: '"entra-before"' },
    ]);
    expect(store.kept?.body).toEqual({ entra: null });
    expect(store.kept?.etag).not.toBe('"entra-before"');
    // The kept copy had MSAL asked, and the request made with its token; the answer came under the new settings.
    expect(asked).toEqual([CLIENT]);
    expect(svc.policyAnswers().at(-1)).toMatchObject({ status: 200, authorization: `Bearer ${svc.token}` });
    await expect(source.confirmed!()).resolves.toBe(true);
    // Followed from then on: the next request goes with the API token at once.
    await signIn.backend.policy();
    expect(svc.policyAnswers().at(-1)).toMatchObject({ authorization: `Bearer ${svc.token}` });
    expect(asked).toEqual([CLIENT]);
  } finally {
    await svc.close();
  }
});

test('fail closed: a kept copy without Entra never spares the sign-in a service now requires', async () => {
  const apiTokensOnly = await service();
  const svc = await service({ config: { auth: { entra: ENTRA_CONFIG } } });
  try {
    // Kept from when the service took API tokens alone.
    const store = memoryStore();
    await open(apiTokensOnly.backendUrl, apiTokensOnly.token, store).signIn.backend.policy();
    expect(store.kept?.body).toEqual({ entra: null });

    const { naa, asked } = recordingNaa();
    const { signIn } = open(svc.backendUrl, svc.token, store, naa);
    const error = await signIn.backend.policy().catch((e: unknown) => e);
    // Whatever the service said to the API token sent under the kept copy, the answer is the Entra sign-in's.
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'BACKEND_UNAUTHORIZED' });
    expect(needsSignIn(error)).toBe(true);
    expect(asked).toEqual([CLIENT]);
    expect(svc.signInAnswers()[0]).toMatchObject({ status: 200, ifNoneMatch: expect.any(String) });
    expect(svc.policyAnswers().at(-1)).toMatchObject({ status: 401, authorization: 'Bearer naa-token' });
    expect(store.kept?.body).toMatchObject({ entra: { clientId: CLIENT } });
  } finally {
    await apiTokensOnly.close();
    await svc.close();
  }
});

test('damaged storage, or a copy that no longer reads as settings, means the normal request', async () => {
  const svc = await service();
  try {
    const items = new Map([[`sendguard-sign-in ${svc.backendUrl}`, '{not json']]);
    const page = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (k: string, v: string) => void items.set(k, v),
    };
    const damaged = pageAnswerStore(page, 'sign-in', svc.backendUrl);
    await open(svc.backendUrl, svc.token, damaged as ReturnType<typeof memoryStore>).signIn.backend.policy();
    expect(svc.signInAnswers()).toEqual([{ url: '/api/v1/sign-in', status: 200 }]);
    expect(damaged.read()?.body).toEqual({ entra: null });

    const unreadable = memoryStore();
    unreadable.kept = { etag: damaged.read()!.etag, body: { entra: 'yes' } };
    await open(svc.backendUrl, svc.token, unreadable).signIn.backend.policy();
    expect(svc.signInAnswers()[1]).toEqual({ url: '/api/v1/sign-in', status: 200 });
    expect(unreadable.kept.body).toEqual({ entra: null });
  } finally {
    await svc.close();
  }
});

test('a failure before anyone asks is the first caller’s, not an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const count = (reason: unknown) => void unhandled.push(reason);
  process.on('unhandledRejection', count);
  // The connection refused, at a moment the test knows: when it lets the fetch fail.
  let refuse!: () => void;
  const fetched = jest
    .spyOn(globalThis, 'fetch')
    .mockImplementation(
      () => new Promise((_, reject) => (refuse = () => reject(new TypeError('fetch failed')))),
    );
  try {
    const source = keptSignInSettings({ backendUrl: 'http://127.0.0.1:9' }, memoryStore());
    await new Promise((resolve) => setImmediate(resolve));
    expect(fetched).toHaveBeenCalledTimes(1);
    refuse();
    // Node reports a rejection left unhandled once the microtasks queued behind it have run: a turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
    await expect(source.settings()).rejects.toMatchObject({ code: 'BACKEND_UNREACHABLE' });
  } finally {
    fetched.mockRestore();
    process.off('unhandledRejection', count);
  }
});

test('a request after the service answered other settings is not given a token a sign-in under the kept ones was still getting', async () => {
  const svc = await service();
  try {
    const store = keptEntraCopy();
    // MSAL slow to answer under the kept settings (loading, say).
    let answer!: (token: string) => void;
    const naa: NestedAppAuth = {
      silent: () => new Promise((resolve) => (answer = resolve)),
      interactive: async () => 'naa-token',
    };
    const { source, signIn } = open(svc.backendUrl, svc.token, store, naa);
    const before = signIn.backend.policy();
    // The service answers other settings (API tokens alone) while MSAL still works on the kept ones.
    await expect(source.confirmed!()).resolves.toBe(false);
    const after = signIn.backend.policy();
    await new Promise((resolve) => setImmediate(resolve));
    answer('naa-token');
    await expect(after).resolves.toMatchObject({ version: expect.stringMatching(/^[0-9a-f]{64}$/) });
    await expect(before).resolves.toMatchObject({ version: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // No request went with the token had under the kept settings.
    expect(svc.policyAnswers().map((a) => a.authorization)).toEqual([
      `Bearer ${svc.token}`,
      `Bearer ${svc.token}`,
    ]);
  } finally {
    await svc.close();
  }
});

test('every sign-in over one source hears that the kept settings changed, until it stops listening', async () => {
  const svc = await service();
  try {
    const store = keptEntraCopy();
    const config = { backendUrl: svc.backendUrl, token: svc.token };
    const source = keptSignInSettings(config, store);
    const pane = outlookSignIn(office, config, undefined, undefined, source);
    const other = outlookSignIn(office, config, undefined, undefined, source);
    let stoppedHeard = 0;
    const stop = source.whenChanged!(() => void (stoppedHeard += 1));
    stop();
    await expect(source.confirmed!()).resolves.toBe(false);
    expect([pane.settingsGeneration(), other.settingsGeneration()]).toEqual([1, 1]);
    expect(stoppedHeard).toBe(0);
  } finally {
    await svc.close();
  }
});
