/**
 * Nested app authentication (src/outlook/auth/naa.ts) over a stand-in MSAL client that fails with MSAL's own error
 * classes, built as MSAL builds them from the host bridge's answers (WebBrokerBridgeErrorMap): each maps to the
 * sign-in cause the sender is told, with MSAL's error kept as the cause for the failure log. And MSAL's real
 * `createNestablePublicClientApplication` without a host bridge: reported as unavailable, never a standard client
 * whose popup cannot work inside Outlook.
 */
import {
  AuthError,
  BrowserAuthError,
  BrowserAuthErrorCodes,
  ClientAuthError,
  ClientAuthErrorCodes,
  InteractionRequiredAuthError,
  ServerError,
  type AuthenticationResult,
  type Configuration,
  type PopupRequest,
  type SilentRequest,
} from '@azure/msal-browser';
import {
  msalNaaClient,
  nestedAppAuthWith,
  type EntraSignIn,
  type NaaClient,
} from '../../src/outlook/auth/naa';
import { SIGN_IN_CAUSES, type SignInErrorCode } from '../../src/outlook/auth/sign-in-error';

const ENTRA: EntraSignIn = {
  clientId: '6d1c0b8e-0000-4000-8000-000000000001',
  authority: 'https://login.example/tenant',
  scopes: ['api://sendguard.example/6d1c0b8e-0000-4000-8000-000000000001/access_as_user'],
};

/** An error as MSAL makes it from a bridge answer (a ClientAuthError with the answer's code). */
const fromBridge = (code: string) => new ClientAuthError(code, 'cid');

/** A stand-in MSAL client: records each request, and answers with a token or throws `failure`. */
function fakeClient(failure?: unknown) {
  const requests: Array<{ way: 'silent' | 'popup'; request: SilentRequest | PopupRequest }> = [];
  const answer = async (): Promise<AuthenticationResult> => {
    if (failure !== undefined) throw failure;
    return { accessToken: 'naa-token' } as AuthenticationResult;
  };
  const client: NaaClient = {
    acquireTokenSilent: (request) => (requests.push({ way: 'silent', request }), answer()),
    acquireTokenPopup: (request) => (requests.push({ way: 'popup', request }), answer()),
  };
  return { client, requests };
}

describe('MSAL’s failures as the sender’s sign-in causes', () => {
  test.each<[string, unknown, SignInErrorCode]>([
    [
      'interaction required (the host needs the sender)',
      new InteractionRequiredAuthError('interaction_required', 'cid', 'AADSTS50058: silent sign-in failed'),
      'SIGN_IN_NEEDED',
    ],
    [
      'consent required, as its code',
      new InteractionRequiredAuthError('consent_required', 'cid', 'AADSTS65001: consent'),
      'SIGN_IN_CONSENT_MISSING',
    ],
    [
      'consent required, as the sub-error of invalid_grant',
      new InteractionRequiredAuthError('invalid_grant', 'cid', 'AADSTS65001', 'consent_required'),
      'SIGN_IN_CONSENT_MISSING',
    ],
    ['the bridge has no account', fromBridge(ClientAuthErrorCodes.noAccountFound), 'SIGN_IN_NEEDED'],
    ['the bridge’s user cancelled', fromBridge(ClientAuthErrorCodes.userCanceled), 'SIGN_IN_CANCELLED'],
    [
      'the browser popup’s user cancelled',
      new BrowserAuthError(BrowserAuthErrorCodes.userCancelled, 'cid'),
      'SIGN_IN_CANCELLED',
    ],
    [
      'the host switched the bridge off',
      fromBridge(ClientAuthErrorCodes.nestedAppAuthBridgeDisabled),
      'SIGN_IN_UNAVAILABLE',
    ],
    [
      'the broker’s server failing',
      new ServerError('temporarily_unavailable', 'cid', 'AADSTS50196: loop detected'),
      'SIGN_IN_FAILED',
    ],
    [
      'an unknown bridge failure',
      new AuthError('unknown_error', 'cid', 'An unknown error'),
      'SIGN_IN_FAILED',
    ],
  ])('%s', async (_, failure, code) => {
    const naa = nestedAppAuthWith(async () => fakeClient(failure).client);
    const error = await naa.silent(ENTRA).catch((e: unknown) => e);
    expect(error).toMatchObject({ code, message: SIGN_IN_CAUSES[code], cause: failure });
  });

  test.each([
    ['the bridge', fromBridge(ClientAuthErrorCodes.noNetworkConnectivity)],
    ['the browser', new BrowserAuthError(BrowserAuthErrorCodes.noNetworkConnectivity, 'cid')],
  ])('no network, as %s reports it: the sign-in failed, saying what to check', async (_, failure) => {
    const naa = nestedAppAuthWith(async () => fakeClient(failure).client);
    await expect(naa.interactive(ENTRA)).rejects.toMatchObject({
      code: 'SIGN_IN_FAILED',
      message: 'Outlook could not reach Microsoft’s sign-in: check the network',
      cause: failure,
    });
  });

  test('the sender is told none of MSAL’s words or codes', async () => {
    const failure = new InteractionRequiredAuthError('interaction_required', 'cid', 'AADSTS50058: nope');
    const naa = nestedAppAuthWith(async () => fakeClient(failure).client);
    const error = (await naa.silent(ENTRA).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toMatch(/AADSTS|interaction_required/);
  });
});

describe('the requests made of MSAL', () => {
  test('silent and popup ask for the service’s scopes; past the cache only when told; one client per registration', async () => {
    const { client, requests } = fakeClient();
    const configurations: Configuration[] = [];
    const naa = nestedAppAuthWith(async (configuration) => (configurations.push(configuration), client));
    await expect(naa.silent(ENTRA)).resolves.toBe('naa-token');
    await expect(naa.silent(ENTRA, { forceRefresh: true })).resolves.toBe('naa-token');
    await expect(naa.interactive(ENTRA)).resolves.toBe('naa-token');
    expect(requests).toEqual([
      { way: 'silent', request: { scopes: ENTRA.scopes } },
      { way: 'silent', request: { scopes: ENTRA.scopes, forceRefresh: true } },
      { way: 'popup', request: { scopes: ENTRA.scopes } },
    ]);
    expect(configurations).toEqual([
      {
        auth: { clientId: ENTRA.clientId, authority: ENTRA.authority },
        cache: { cacheLocation: 'memoryStorage' },
      },
    ]);
  });

  test('a client that failed to start is made again on the next request', async () => {
    let starts = 0;
    const naa = nestedAppAuthWith(async () => {
      if (++starts === 1) throw fromBridge(ClientAuthErrorCodes.nestedAppAuthBridgeDisabled);
      return fakeClient().client;
    });
    await expect(naa.silent(ENTRA)).rejects.toMatchObject({ code: 'SIGN_IN_UNAVAILABLE' });
    await expect(naa.silent(ENTRA)).resolves.toBe('naa-token');
  });
});

test('MSAL’s own nestable client without a host bridge: unavailable, not a standard client', async () => {
  expect((globalThis as { nestedAppAuthBridge?: unknown }).nestedAppAuthBridge).toBeUndefined();
  const naa = nestedAppAuthWith(msalNaaClient);
  await expect(naa.silent(ENTRA)).rejects.toMatchObject({ code: 'SIGN_IN_UNAVAILABLE' });
  await expect(naa.interactive(ENTRA)).rejects.toMatchObject({ code: 'SIGN_IN_UNAVAILABLE' });
});
