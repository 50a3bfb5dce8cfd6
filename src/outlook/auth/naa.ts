/**
 * Nested app authentication with MSAL.js: Outlook (the host) signs the add-in in with the account it already has,
 * through the bridge it exposes (`window.nestedAppAuthBridge`). Tokens stay in memory (MSAL's `memoryStorage`);
 * one MSAL client per page and app registration. Where the host offers no bridge, MSAL would quietly make a
 * standard client, whose popup cannot work inside Outlook: that is reported as SIGN_IN_UNAVAILABLE instead, so
 * the token chain turns to Office SSO or the dialog. The JavaScript-only runtime's build swaps this module for
 * naa-absent.ts: MSAL needs a browser window.
 */
import type { Configuration, IPublicClientApplication } from '@azure/msal-browser';
import type { SignInSettings } from '../../core/sign-in';
import { SignInError, signInFailure, type SignInErrorCode } from './sign-in-error';

export type EntraSignIn = NonNullable<SignInSettings['entra']>;

/** What the token chain asks of nested app authentication. */
export interface NestedAppAuth {
  /** `forceRefresh`: past MSAL's cache, after the service refused the token it held. */
  silent(entra: EntraSignIn, options?: { forceRefresh?: boolean }): Promise<string>;
  /** The host's own sign-in prompt (MSAL's popup, which the host shows). */
  interactive(entra: EntraSignIn): Promise<string>;
  /** Starts loading what a sign-in needs, while the service is asked how to sign in; failures wait for the use. */
  warmUp?(): void;
}

/** The part of an MSAL client this uses. */
export type NaaClient = Pick<IPublicClientApplication, 'acquireTokenSilent' | 'acquireTokenPopup'>;

/** Makes the client for a configuration; rejects with SIGN_IN_UNAVAILABLE where the host has no bridge. */
export type NaaClientFactory = (configuration: Configuration) => Promise<NaaClient>;

/**
 * MSAL, loaded on first use: a service signing in with API tokens never needs it, and it is a quarter of the
 * pane's script, which every opening would otherwise read before showing anything.
 */
const loadMsal = () => import(/* webpackChunkName: "msal" */ '@azure/msal-browser');

/** MSAL's nestable client, refusing the standard client MSAL falls back to without a bridge. */
export const msalNaaClient: NaaClientFactory = async (configuration) => {
  const { createNestablePublicClientApplication } = await loadMsal();
  return createNestablePublicClientApplication(configuration, undefined, undefined, () => {
    throw new SignInError('SIGN_IN_UNAVAILABLE');
  });
};

/**
 * MSAL's error codes with a cause of their own: the bridge's (ClientAuthError) and the browser's (BrowserAuthError)
 * spellings of "cancelled", no account, the host's bridge switched off.
 */
const CAUSES = new Map<string, SignInErrorCode>([
  ['user_canceled', 'SIGN_IN_CANCELLED'],
  ['user_cancelled', 'SIGN_IN_CANCELLED'],
  ['no_account_found', 'SIGN_IN_NEEDED'],
  ['no_account_error', 'SIGN_IN_NEEDED'],
  ['nested_app_auth_bridge_disabled', 'SIGN_IN_UNAVAILABLE'],
]);
const CONSENT_REQUIRED = 'consent_required';
const NO_NETWORK = 'no_network_connectivity';

/**
 * MSAL's failure as a SignInError with the plain cause; MSAL's own error is its cause, for the failure log.
 * `interactionRequired`: MSAL's InteractionRequiredAuthError class.
 */
function naaSignInError(
  error: unknown,
  interactionRequired: abstract new (...args: never[]) => unknown,
): SignInError {
  const { errorCode, subError } = (error ?? {}) as { errorCode?: unknown; subError?: unknown };
  if (error instanceof interactionRequired)
    return signInFailure(
      errorCode === CONSENT_REQUIRED || subError === CONSENT_REQUIRED
        ? 'SIGN_IN_CONSENT_MISSING'
        : 'SIGN_IN_NEEDED',
      error,
    );
  if (errorCode === NO_NETWORK)
    return new SignInError(
      'SIGN_IN_FAILED',
      'Outlook could not reach Microsoft’s sign-in: check the network',
      {
        cause: error,
      },
    );
  return signInFailure((typeof errorCode === 'string' && CAUSES.get(errorCode)) || 'SIGN_IN_FAILED', error);
}

/** Nested app authentication over clients from `createClient`, one per app registration and authority. */
export function nestedAppAuthWith(createClient: NaaClientFactory): NestedAppAuth {
  const clients = new Map<string, Promise<NaaClient>>();

  function clientFor(entra: EntraSignIn): Promise<NaaClient> {
    const key = `${entra.clientId} ${entra.authority}`;
    let client = clients.get(key);
    if (!client) {
      client = createClient({
        auth: { clientId: entra.clientId, authority: entra.authority },
        cache: { cacheLocation: 'memoryStorage' },
      });
      // A client that failed to start is not kept: the next request tries again.
      client.catch(() => clients.delete(key));
      clients.set(key, client);
    }
    return client;
  }

  async function acquire(
    entra: EntraSignIn,
    ask: (client: NaaClient) => Promise<{ accessToken: string }>,
  ): Promise<string> {
    try {
      return (await ask(await clientFor(entra))).accessToken;
    } catch (error) {
      if (error instanceof SignInError) throw error;
      throw naaSignInError(error, (await loadMsal()).InteractionRequiredAuthError);
    }
  }

  return {
    silent: (entra, options = {}) =>
      acquire(entra, (client) =>
        client.acquireTokenSilent({
          scopes: entra.scopes,
          ...(options.forceRefresh ? { forceRefresh: true } : {}),
        }),
      ),
    interactive: (entra) => acquire(entra, (client) => client.acquireTokenPopup({ scopes: entra.scopes })),
    warmUp: () => void loadMsal().catch(() => undefined),
  };
}

export const nestedAppAuth: NestedAppAuth | undefined = nestedAppAuthWith(msalNaaClient);
