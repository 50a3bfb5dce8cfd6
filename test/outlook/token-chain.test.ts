/**
 * The Outlook add-in's token chain over the simulated Office: nested app authentication where the host supports
 * it and MSAL is loaded, Office SSO otherwise, the API token for a service without Entra sign-in; no prompt on
 * the silent path; and the backend client turning a failed sign-in into the sign-in reason.
 */
import { BackendError, createBackend, needsSignIn } from '../../src/addin/backend';
import type { SignInSettings } from '../../src/core/sign-in';
import type { EntraSignIn, NestedAppAuth } from '../../src/outlook/auth/naa';
import { SignInError } from '../../src/outlook/auth/sign-in-error';
import { signInChain, type OfficeForSignIn, type SignInDeps } from '../../src/outlook/auth/token-chain';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';

const ENTRA: EntraSignIn = {
  clientId: '6d1c0b8e-0000-4000-8000-000000000001',
  authority: 'https://login.example/tenant',
  scopes: ['api://sendguard.example/6d1c0b8e-0000-4000-8000-000000000001/access_as_user'],
};

/** Every sign-in call made, in order: which way, and whether it could prompt. */
type Call = string;

function fakeNaa(calls: Call[], answer: (interactive: boolean) => Promise<string>): NestedAppAuth {
  return {
    silent: (entra) => (calls.push(`naa silent ${entra.scopes.join(' ')}`), answer(false)),
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
    await signIn.signInInteractively();
    expect(calls).toEqual(['naa prompt']);
  });

  test('with Office SSO: SSO allowed to prompt', async () => {
    const { calls, signIn } = chain({ nestedAppAuth: false, dialog: true });
    await signIn.signInInteractively();
    expect(calls).toEqual(['sso prompt']);
  });

  test('Office SSO that cannot sign in here: the dialog sign-in, whose token serves until shortly before it expires', async () => {
    const failing = Object.assign(new Error('not supported here'), { code: 13012 });
    const { calls, signIn, clock } = chain({ nestedAppAuth: false, dialog: true, sso: rejecting(failing) });
    await signIn.signInInteractively();
    expect(calls).toEqual(['sso prompt', 'dialog']);
    await expect(signIn.token()).resolves.toBe('dialog-token');
    clock.now += 3_600_000 - 59_000;
    await expect(signIn.token()).rejects.toMatchObject({ code: 'SIGN_IN_FAILED' });
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
