/**
 * The Outlook add-in's token chain over the simulated Office: nested app authentication where the host supports
 * it and MSAL is loaded, Office SSO otherwise, the API token for a service without Entra sign-in; no prompt on
 * the silent path; and the backend client turning a failed sign-in into the sign-in reason.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BackendError, createBackend, needsSignIn } from '../../src/addin/backend';
import { recordFailure } from '../../src/addin/failure-log';
import { messageOf } from '../../src/core/errors';
import type { SignInSettings } from '../../src/core/sign-in';
import type { EntraSignIn, NestedAppAuth } from '../../src/outlook/auth/naa';
import { SETTINGS_DEADLINE_MS } from '../../src/outlook/auth/kept-sign-in-settings';
import { outlookSignIn } from '../../src/outlook/auth/outlook-sign-in';
import { SignInError } from '../../src/outlook/auth/sign-in-error';
import { signInChain, type OfficeForSignIn, type SignInDeps } from '../../src/outlook/auth/token-chain';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { OUTLOOK_WEB_CLIENT, simulatedOfficeSso } from '../../src/outlook/tryit/simulated-sso';
import type { SimAccount } from '../../src/outlook/tryit/test-broker';
import { ManualClock } from '../helpers/clock';
import { startEntraProvider, type EntraProvider } from '../helpers/entra-provider';

const ENTRA: EntraSignIn = {
  clientId: '6d1c0b8e-0000-4000-8000-000000000001',
  authority: 'https://login.example/tenant',
  scopes: ['api://sendguard.example/6d1c0b8e-0000-4000-8000-000000000001/access_as_user'],
};

/** Every sign-in call made, in order: which way, and whether it could prompt. */
type Call = string;

function fakeNaa(calls: Call[], answer: (interactive: boolean) => Promise<string>): NestedAppAuth {
  return {
    silent: (entra, options) => (
      calls.push(`naa silent ${entra.scopes.join(' ')}${options?.forceRefresh ? ' past the cache' : ''}`),
      answer(false)
    ),
    interactive: () => (calls.push('naa prompt'), answer(true)),
  };
}

/** The simulated Outlook, with Office SSO recording whether it was allowed to prompt. */
function outlook(
  calls: Call[],
  { nestedAppAuth, sso }: { nestedAppAuth: boolean; sso: (prompt: boolean) => Promise<string> },
): OfficeForSignIn {
  const sim = simulateOffice({ nestedAppAuth });
  return {
    ...(sim.office as unknown as OfficeForSignIn),
    auth: {
      getAccessToken: (options) => {
        const prompt = options.allowSignInPrompt || options.allowConsentPrompt;
        calls.push(`sso ${prompt ? 'prompt' : 'silent'}`);
        return sso(prompt);
      },
    },
  };
}

interface Setup {
  nestedAppAuth?: boolean;
  naa?: boolean;
  settings?: SignInSettings;
  sso?: (prompt: boolean) => Promise<string>;
  naaAnswer?: (interactive: boolean) => Promise<string>;
  dialog?: boolean;
}

function chain(setup: Setup = {}) {
  const calls: Call[] = [];
  const clock = { now: Date.UTC(2026, 11, 7) };
  const deps: SignInDeps = {
    office: outlook(calls, {
      nestedAppAuth: setup.nestedAppAuth ?? true,
      sso: setup.sso ?? (async (prompt) => (prompt ? 'sso-prompted' : 'sso-token')),
    }),
    settings: async () => setup.settings ?? { entra: ENTRA },
    ...(setup.naa === false
      ? {}
      : {
          naa: fakeNaa(
            calls,
            setup.naaAnswer ?? (async (prompted) => (prompted ? 'naa-prompted' : 'naa-token')),
          ),
        }),
    ...(setup.dialog
      ? {
          dialog: async () => (
            calls.push('dialog'),
            { token: 'dialog-token', expiresAt: clock.now + 3_600_000 }
          ),
        }
      : {}),
    now: () => clock.now,
    apiToken: 'sg_api',
  };
  return { calls, signIn: signInChain(deps), clock };
}

const rejecting = (error: unknown) => () => Promise.reject(error);

describe('the silent token: which way', () => {
  test('NestedAppAuth 1.1 supported and MSAL loaded: MSAL, for the scopes the service named; Office SSO untouched', async () => {
    const { calls, signIn } = chain();
    await expect(signIn.token()).resolves.toBe('naa-token');
    expect(calls).toEqual([`naa silent ${ENTRA.scopes[0]}`]);
  });

  test('NestedAppAuth not supported: Office SSO, with neither sign-in nor consent prompt', async () => {
    const { calls, signIn } = chain({ nestedAppAuth: false });
    await expect(signIn.token()).resolves.toBe('sso-token');
    expect(calls).toEqual(['sso silent']);
  });

  test('NestedAppAuth supported but MSAL not in this build (the JavaScript-only runtime): Office SSO', async () => {
    const { calls, signIn } = chain({ naa: false });
    await expect(signIn.token()).resolves.toBe('sso-token');
    expect(calls).toEqual(['sso silent']);
  });

  test('a service without Entra sign-in: the configured API token, and no sign-in asked of Outlook', async () => {
    const { calls, signIn } = chain({ settings: { entra: null } });
    await expect(signIn.token()).resolves.toBe('sg_api');
    expect(calls).toEqual([]);
  });

  test('the service’s sign-in settings are asked once, and again only after a failure', async () => {
    let fail = true;
    const calls: Call[] = [];
    const signIn = signInChain({
      office: outlook(calls, { nestedAppAuth: true, sso: async () => 'sso-token' }),
      naa: fakeNaa(calls, async () => 'naa-token'),
      settings: async () => {
        calls.push('settings');
        if (fail) throw new BackendError('BACKEND_UNREACHABLE', 'connection refused');
        return { entra: ENTRA };
      },
    });
    await expect(signIn.token()).rejects.toMatchObject({ code: 'BACKEND_UNREACHABLE' });
    fail = false;
    await Promise.all([signIn.token(), signIn.token()]);
    await signIn.token();
    expect(calls.filter((c) => c === 'settings')).toHaveLength(2);
  });
});

describe('the silent path never prompts', () => {
  test.each([
    [
      'MSAL needs the sender',
      { naaAnswer: rejecting(new SignInError('SIGN_IN_NEEDED', 'nobody signed in')) },
    ],
    [
      'Office SSO needs the sender',
      { nestedAppAuth: false, sso: rejecting(Object.assign(new Error('not signed in'), { code: 13001 })) },
    ],
  ] as Array<[string, Setup]>)(
    '%s: the token fails, and nothing was asked with a prompt',
    async (_, setup) => {
      const { calls, signIn } = chain({ ...setup, dialog: true });
      await expect(signIn.token()).rejects.toMatchObject({ code: 'SIGN_IN_NEEDED' });
      expect(calls.some((c) => c.includes('prompt') || c === 'dialog')).toBe(false);
    },
  );
});

describe('the interactive sign-in (the pane’s Sign in button)', () => {
  test('under nested app authentication: MSAL’s popup, which the host shows', async () => {
    const { calls, signIn } = chain();
    await expect(signIn.signInInteractively()).resolves.toBe('everywhere');
    expect(calls).toEqual(['naa prompt']);
  });

  test('with Office SSO: SSO allowed to prompt', async () => {
    const { calls, signIn } = chain({ nestedAppAuth: false, dialog: true });
    await expect(signIn.signInInteractively()).resolves.toBe('everywhere');
    expect(calls).toEqual(['sso prompt']);
  });

  test('Office SSO that cannot sign in here: the dialog sign-in, whose token serves until shortly before it expires', async () => {
    const failing = Object.assign(new Error('not supported here'), { code: 13012 });
    const { calls, signIn, clock } = chain({ nestedAppAuth: false, dialog: true, sso: rejecting(failing) });
    // The dialog's token is the pane's alone: the send check, in its own runtime, cannot have it.
    await expect(signIn.signInInteractively()).resolves.toBe('pane-only');
    expect(calls).toEqual(['sso prompt', 'dialog']);
    await expect(signIn.token()).resolves.toBe('dialog-token');
    clock.now += 3_600_000 - 59_000;
    await expect(signIn.token()).rejects.toMatchObject({ code: 'SIGN_IN_UNAVAILABLE' });
    expect(calls).toEqual(['sso prompt', 'dialog', 'sso silent']);
  });

  test('the sender closing Office’s prompt is their answer: no dialog after it', async () => {
    const closed = Object.assign(new Error('closed'), { code: 13002 });
    const { calls, signIn } = chain({ nestedAppAuth: false, dialog: true, sso: rejecting(closed) });
    await expect(signIn.signInInteractively()).rejects.toMatchObject({ code: 'SIGN_IN_CANCELLED' });
    expect(calls).toEqual(['sso prompt']);
  });

  test('a service without Entra sign-in: nothing to sign in to, and the sender is told whom to ask', async () => {
    const { calls, signIn } = chain({ settings: { entra: null } });
    await expect(signIn.signInInteractively()).rejects.toThrow('ask your administrator');
    expect(calls).toEqual([]);
  });
});

describe('the backend client with a token source', () => {
  const BASE = 'https://sendguard.example';

  function recordingFetch() {
    const bearers: Array<string | null> = [];
    const fetchImpl: typeof fetch = async (_input, init) => {
      bearers.push(new Headers(init?.headers).get('authorization'));
      return new Response(JSON.stringify({}), { status: 503 });
    };
    return { bearers, fetchImpl };
  }

  test('asks the source before each request and sends its token as the bearer; none when it gives none', async () => {
    const { bearers, fetchImpl } = recordingFetch();
    const tokens = ['first', undefined];
    const backend = createBackend({
      baseUrl: BASE,
      fetch: fetchImpl,
      tokenSource: async () => tokens.shift(),
    });
    await expect(backend.policy()).rejects.toMatchObject({ code: 'BACKEND_REFUSED' });
    await expect(backend.policy()).rejects.toMatchObject({ code: 'BACKEND_REFUSED' });
    expect(bearers).toEqual(['Bearer first', null]);
  });

  test('no token to be had: BACKEND_NOT_SIGNED_IN with the reason, the sign-in reason, and no request made', async () => {
    const { bearers, fetchImpl } = recordingFetch();
    const backend = createBackend({
      baseUrl: BASE,
      fetch: fetchImpl,
      tokenSource: rejecting(
        new SignInError('SIGN_IN_NEEDED', 'Outlook has no account signed in for Sendguard'),
      ),
    });
    const error = await backend.policy().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'BACKEND_NOT_SIGNED_IN',
      message:
        'You are not signed in to the Sendguard service (Outlook has no account signed in for Sendguard).',
    });
    expect(needsSignIn(error)).toBe(true);
    expect(bearers).toEqual([]);
  });

  test('a service refusing the token is the sign-in reason too; the service failing otherwise is not', async () => {
    const status = (code: number) => async () => new Response('{}', { status: code });
    const refused = await createBackend({ baseUrl: BASE, fetch: status(401), tokenSource: async () => 't' })
      .policy()
      .catch((e: unknown) => e);
    expect(needsSignIn(refused)).toBe(true);
    const broken = await createBackend({ baseUrl: BASE, fetch: status(500), tokenSource: async () => 't' })
      .policy()
      .catch((e: unknown) => e);
    expect(needsSignIn(broken)).toBe(false);
  });

  test('the service unreachable while asking how to sign in stays that failure, not a sign-in one', async () => {
    const backend = createBackend({
      baseUrl: BASE,
      fetch: recordingFetch().fetchImpl,
      tokenSource: rejecting(new BackendError('BACKEND_UNREACHABLE', 'connection refused')),
    });
    const error = await backend.policy().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_UNREACHABLE' });
    expect(needsSignIn(error)).toBe(false);
  });

  test('a token source that never answers: BACKEND_NOT_SIGNED_IN at the deadline', async () => {
    const backend = createBackend({
      baseUrl: BASE,
      fetch: recordingFetch().fetchImpl,
      deadlineMs: 50,
      tokenSource: () => new Promise(() => undefined),
    });
    await expect(backend.policy()).rejects.toMatchObject({
      code: 'BACKEND_NOT_SIGNED_IN',
      message: expect.stringContaining('did not finish in time'),
    });
  });
});

describe('one silent sign-in at a time (Office refuses overlapping calls: 13008)', () => {
  let entra: EntraProvider;
  const SAM: SimAccount = { oid: randomUUID(), username: 'sam@example.gov', name: 'Sam Sender' };

  // Office SSO's tokens are issued to Office's own client; only their being JWTs with `exp` matters here.
  beforeAll(async () => {
    entra = await startEntraProvider({
      tenantId: randomUUID(),
      clientId: ENTRA.clientId,
      resource: 'api://sendguard.test/single-flight',
      otherClients: [OUTLOOK_WEB_CLIENT],
    });
  });
  afterAll(() => entra.close());

  /** The simulated Office SSO, handing out the provider's tokens (JWTs with `exp`) for Sam. */
  function simulatedSso() {
    return simulatedOfficeSso({
      broker: { tokenUrl: entra.tokenEndpoint },
      account: SAM,
      scopes: async () => [`${entra.resource}/${entra.scope}`],
    });
  }

  function ssoChain(sso: ReturnType<typeof simulatedSso>, clock: ManualClock) {
    const sim = simulateOffice({ nestedAppAuth: false, auth: sso });
    return signInChain({
      office: sim.office as unknown as OfficeForSignIn,
      settings: async () => ({ entra: ENTRA }),
      now: () => clock.now(),
    });
  }

  test('the simulated Office refuses a second getAccessToken while the first runs, as Office does', async () => {
    const sso = simulatedSso();
    const request = { allowSignInPrompt: false, allowConsentPrompt: false };
    const [first, second] = await Promise.allSettled([
      sso.getAccessToken(request),
      sso.getAccessToken(request),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 13008 } });
  });

  test('requests at once share one SSO call; its token serves until a minute before its exp, then SSO is asked again', async () => {
    const sso = simulatedSso();
    const clock = new ManualClock(Date.now());
    const signIn = ssoChain(sso, clock);
    const tokens = await Promise.all([signIn.token(), signIn.token(), signIn.token()]);
    expect(new Set(tokens).size).toBe(1);
    expect(sso.asked).toEqual(['silent']);
    // The provider's tokens live an hour.
    clock.advance(3_600_000 - 61_000);
    await expect(signIn.token()).resolves.toBe(tokens[0]);
    expect(sso.asked).toEqual(['silent']);
    clock.advance(2_000);
    const renewed = await Promise.all([signIn.token(), signIn.token()]);
    expect(renewed[0]).toBe(renewed[1]);
    expect(sso.asked).toEqual(['silent', 'silent']);
  });

  test('the Sign in prompt waits for a silent call still running instead of overlapping it', async () => {
    const sso = simulatedSso();
    const signIn = ssoChain(sso, new ManualClock(Date.now()));
    await Promise.all([signIn.token(), signIn.signInInteractively()]);
    expect(sso.asked).toEqual(['silent', 'prompt']);
  });

  test('nested app authentication: requests at once share one silent MSAL call', async () => {
    let answer!: (token: string) => void;
    const { calls, signIn } = chain({ naaAnswer: () => new Promise((resolve) => (answer = resolve)) });
    const asked = Promise.all([signIn.token(), signIn.token()]);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    answer('naa-token');
    await expect(asked).resolves.toEqual(['naa-token', 'naa-token']);
    expect(calls).toEqual([`naa silent ${ENTRA.scopes[0]}`]);
  });
});

describe('NestedAppAuth reported, but nested app authentication not working', () => {
  const noBridge = () => Promise.reject(new SignInError('SIGN_IN_UNAVAILABLE'));

  test('no bridge (MSAL would make a standard client): Office SSO serves, and MSAL is not asked again', async () => {
    const { calls, signIn } = chain({ naaAnswer: noBridge });
    await expect(signIn.token()).resolves.toBe('sso-token');
    await expect(signIn.token()).resolves.toBe('sso-token');
    expect(calls).toEqual([`naa silent ${ENTRA.scopes[0]}`, 'sso silent', 'sso silent']);
  });

  test('no bridge, Sign in: Office SSO’s prompt, not MSAL’s popup', async () => {
    const { calls, signIn } = chain({ naaAnswer: noBridge, dialog: true });
    await signIn.signInInteractively();
    expect(calls).toEqual(['naa prompt', 'sso prompt']);
  });

  test('the broker fails at Sign in: the dialog sign-in, whose token then serves', async () => {
    const { calls, signIn } = chain({
      naaAnswer: (prompted) =>
        prompted
          ? Promise.reject(new SignInError('SIGN_IN_FAILED'))
          : Promise.reject(new SignInError('SIGN_IN_NEEDED')),
      dialog: true,
    });
    await signIn.signInInteractively();
    expect(calls).toEqual(['naa prompt', 'dialog']);
    await expect(signIn.token()).resolves.toBe('dialog-token');
  });

  test('the sender closing the host’s prompt is their answer: no dialog after it', async () => {
    const { calls, signIn } = chain({
      naaAnswer: () => Promise.reject(new SignInError('SIGN_IN_CANCELLED')),
      dialog: true,
    });
    await expect(signIn.signInInteractively()).rejects.toMatchObject({ code: 'SIGN_IN_CANCELLED' });
    expect(calls).toEqual(['naa prompt']);
  });
});

describe('a token the service refused', () => {
  test('MSAL is asked past its cache once; a token had that way and refused too is not refreshed again', async () => {
    let issued = 0;
    const { calls, signIn } = chain({ naaAnswer: async () => `naa-token-${++issued}` });
    const first = await signIn.token();
    signIn.refused(first!);
    const second = await signIn.token();
    signIn.refused(second!);
    await signIn.token();
    expect(calls).toEqual([
      `naa silent ${ENTRA.scopes[0]}`,
      `naa silent ${ENTRA.scopes[0]} past the cache`,
      `naa silent ${ENTRA.scopes[0]}`,
    ]);
  });

  test('the dialog’s token, refused, is dropped: the next request asks the host again', async () => {
    const { calls, signIn } = chain({
      nestedAppAuth: false,
      dialog: true,
      sso: async (prompt) => {
        if (prompt) throw Object.assign(new Error('not here'), { code: 13012 });
        return 'sso-token';
      },
    });
    await signIn.signInInteractively();
    await expect(signIn.token()).resolves.toBe('dialog-token');
    signIn.refused('dialog-token');
    await expect(signIn.token()).resolves.toBe('sso-token');
    expect(calls).toEqual(['sso prompt', 'dialog', 'sso silent']);
  });

  test.each([401, 403])(
    'the backend client tells the source of the token refused with %i, and only then',
    async (status) => {
      const refused: string[] = [];
      const answering = (code: number) =>
        createBackend({
          baseUrl: 'https://sendguard.example',
          fetch: async () => new Response('{}', { status: code }),
          tokenSource: async () => `token-${code}`,
          onRefused: (token) => refused.push(token),
        });
      await expect(answering(status).policy()).rejects.toMatchObject({ code: 'BACKEND_UNAUTHORIZED' });
      await expect(answering(500).policy()).rejects.toMatchObject({ code: 'BACKEND_REFUSED' });
      expect(refused).toEqual([`token-${status}`]);
    },
  );
});

describe('one deadline for the token and the request', () => {
  const after = <T>(ms: number, value: T) =>
    new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  test('a token that comes in time and an answer that then comes too late: the request’s time-out, token included', async () => {
    const backend = createBackend({
      baseUrl: 'https://sendguard.example',
      deadlineMs: 400,
      tokenSource: () => after(150, 'token'),
      fetch: () => after(300, new Response('{}', { status: 200 })),
    });
    await expect(backend.policy()).rejects.toMatchObject({ code: 'BACKEND_TIMEOUT' });
  });

  test('the token may take at most half the deadline: past that, the sign-in did not finish in time', async () => {
    const backend = createBackend({
      baseUrl: 'https://sendguard.example',
      deadlineMs: 400,
      tokenSource: () => after(250, 'token'),
      fetch: async () => new Response('{}', { status: 200 }),
    });
    await expect(backend.policy()).rejects.toMatchObject({ code: 'BACKEND_NOT_SIGNED_IN' });
  });
});

describe('the service’s sign-in settings, slow or unreachable, are the service’s failure', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Answers GET /api/v1/sign-in only after longer than its deadline.
    server = createServer((_request, response) => {
      setTimeout(() => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ entra: ENTRA }));
      }, SETTINGS_DEADLINE_MS + 300);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const office = () => simulateOffice({ nestedAppAuth: false }).office as unknown as OfficeForSignIn;

  test('a slow answer: the service did not answer in time, not the sender’s sign-in', async () => {
    const error = await outlookSignIn(office(), { backendUrl: base }, undefined)
      .backend.policy()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_TIMEOUT' });
    expect(needsSignIn(error)).toBe(false);
  });

  test('no answer at all: the service could not be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await outlookSignIn(office(), { backendUrl: `http://127.0.0.1:${port}` }, undefined)
      .backend.policy()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_UNREACHABLE' });
    expect(needsSignIn(error)).toBe(false);
  });
});

describe('what the sender is told, and what the failure log keeps', () => {
  const officeError = (code: number, message: string) => Object.assign(new Error(message), { code });

  test.each([
    [13001, 'The user is not signed in to Office.', 'not signed in to Outlook, or the sign-in expired'],
    [13005, 'Invalid grant.', 'Sendguard lacks permission to sign you in; ask your administrator'],
    [
      13012,
      'API is not supported in this platform.',
      'this version of Outlook cannot sign you in to Sendguard',
    ],
    [13013, 'Too many requests.', 'Outlook’s sign-in did not work'],
  ])(
    'Office SSO error %i: one plain sentence for the sender; Office’s code and words in the log',
    async (code, words, cause) => {
      const { signIn } = chain({ nestedAppAuth: false, sso: rejecting(officeError(code, words)) });
      const error = await createBackend({ baseUrl: 'https://sendguard.example', tokenSource: signIn.token })
        .policy()
        .catch((e: unknown) => e);
      expect(messageOf(error)).toBe(`You are not signed in to the Sendguard service (${cause}).`);
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        recordFailure('the send check', error);
        expect(String(warn.mock.calls[0]?.[0])).toContain(`[${code}] ${words}`);
      } finally {
        warn.mockRestore();
      }
    },
  );
});

describe('MSAL loads while the service is asked how to sign in', () => {
  /** A chain whose settings answer only when told, with an NAA that counts its warm-ups. */
  function warming(nestedAppAuth: boolean) {
    let answer: (settings: SignInSettings) => void = () => undefined;
    const settings = new Promise<SignInSettings>((resolve) => (answer = resolve));
    const warmed: string[] = [];
    const naa: NestedAppAuth = {
      ...fakeNaa([], async () => 'naa-token'),
      warmUp: () => void warmed.push('warm-up'),
    };
    const office = outlook([], { nestedAppAuth, sso: async () => 'sso-token' });
    const signIn = signInChain({ office, settings: () => settings, naa, apiToken: 'sg_api' });
    return { signIn, warmed, answer };
  }

  test('where the host has nested app authentication: before the answer', async () => {
    const { signIn, warmed, answer } = warming(true);
    const token = signIn.token();
    expect(warmed).toEqual(['warm-up']);
    answer({ entra: ENTRA });
    await expect(token).resolves.toBe('naa-token');
  });

  test('where it has not: MSAL stays unloaded', async () => {
    const { signIn, warmed, answer } = warming(false);
    const token = signIn.token();
    answer({ entra: null });
    await expect(token).resolves.toBe('sg_api');
    expect(warmed).toEqual([]);
  });
});

describe('settings that changed while a silent sign-in ran under the old ones', () => {
  /** Silent answers held back until the test lets each go, in the order they were asked. */
  function heldBack() {
    const waiting: Array<(token: string) => void> = [];
    return { answer: () => new Promise<string>((resolve) => waiting.push(resolve)), waiting };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  /** A JWT whose only claim that matters is `exp`; `name` tells them apart. */
  const jwt = (expiresAt: number, name: string) =>
    ['e30', Buffer.from(JSON.stringify({ exp: expiresAt / 1000, name })).toString('base64url'), 'sig'].join(
      '.',
    );

  test('nested app authentication: a request after the change is not handed the old sign-in’s token', async () => {
    const held = heldBack();
    const { calls, signIn } = chain({ naaAnswer: held.answer });
    const before = signIn.token();
    await flush();
    signIn.settingsChanged();
    const after = signIn.token();
    await flush();
    held.waiting[0]!('token-under-old-settings');
    await flush();
    held.waiting[1]!('token-under-new-settings');
    await expect(after).resolves.toBe('token-under-new-settings');
    // The request made before the change is not given the old settings' token either.
    await expect(before).resolves.toBe('token-under-new-settings');
    expect(calls).toEqual([`naa silent ${ENTRA.scopes[0]}`, `naa silent ${ENTRA.scopes[0]}`]);
  });

  test('Office SSO: a token that comes under the old settings after the change is not kept', async () => {
    const held = heldBack();
    const { calls, signIn, clock } = chain({ nestedAppAuth: false, sso: held.answer });
    const old = jwt(clock.now + 3_600_000, 'old');
    const renewed = jwt(clock.now + 3_600_000, 'new');
    const before = signIn.token();
    await flush();
    signIn.settingsChanged();
    held.waiting[0]!(old);
    await flush();
    held.waiting[1]!(renewed);
    await expect(before).resolves.toBe(renewed);
    // What is kept is the token had under the new settings.
    await expect(signIn.token()).resolves.toBe(renewed);
    expect(calls).toEqual(['sso silent', 'sso silent']);
  });
});
