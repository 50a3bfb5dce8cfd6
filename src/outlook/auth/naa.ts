/**
 * Nested app authentication with MSAL.js: Outlook (the host) signs the add-in in with the account it already has,
 * through the bridge it exposes (`window.nestedAppAuthBridge`). Tokens stay in memory (MSAL's `memoryStorage`);
 * one MSAL client per page and app registration. The JavaScript-only runtime's build swaps this module for
 * naa-absent.ts: MSAL needs a browser window.
 */
import {
  createNestablePublicClientApplication,
  InteractionRequiredAuthError,
  type IPublicClientApplication,
} from '@azure/msal-browser';
import type { SignInSettings } from '../../core/sign-in';
import { messageOf } from '../../core/errors';
import { SignInError } from './sign-in-error';

export type EntraSignIn = NonNullable<SignInSettings['entra']>;

/** What the token chain asks of nested app authentication. */
export interface NestedAppAuth {
  silent(entra: EntraSignIn): Promise<string>;
  /** The host's own sign-in prompt (MSAL's popup, which the host shows). */
  interactive(entra: EntraSignIn): Promise<string>;
}

const clients = new Map<string, Promise<IPublicClientApplication>>();

function clientFor(entra: EntraSignIn): Promise<IPublicClientApplication> {
  const key = `${entra.clientId} ${entra.authority}`;
  let client = clients.get(key);
  if (!client) {
    client = createNestablePublicClientApplication({
      auth: { clientId: entra.clientId, authority: entra.authority },
      cache: { cacheLocation: 'memoryStorage' },
    });
    // A client that failed to start is not kept: the next request tries again.
    client.catch(() => clients.delete(key));
    clients.set(key, client);
  }
  return client;
}

/** MSAL's codes for "no account" (the host has nobody signed in for us) and "the sender closed the prompt". */
const NO_ACCOUNT = 'no_account_found';
const CANCELLED = 'user_canceled';

/** MSAL's failure as a SignInError: interaction required, or no account, means the sender must sign in. */
function signInError(error: unknown): SignInError {
  const code = (error as { errorCode?: unknown } | null)?.errorCode;
  if (error instanceof InteractionRequiredAuthError)
    return new SignInError('SIGN_IN_NEEDED', 'Outlook needs you to sign in to Sendguard first', {
      cause: error,
    });
  if (code === NO_ACCOUNT)
    return new SignInError('SIGN_IN_NEEDED', 'Outlook has no account signed in for Sendguard', {
      cause: error,
    });
  if (code === CANCELLED)
    return new SignInError('SIGN_IN_CANCELLED', 'the sign-in was closed', { cause: error });
  return new SignInError('SIGN_IN_FAILED', `Outlook’s sign-in failed: ${messageOf(error)}`, { cause: error });
}

async function acquire(
  entra: EntraSignIn,
  ask: (client: IPublicClientApplication) => Promise<{ accessToken: string }>,
): Promise<string> {
  try {
    const result = await ask(await clientFor(entra));
    return result.accessToken;
  } catch (error) {
    throw signInError(error);
  }
}

export const nestedAppAuth: NestedAppAuth | undefined = {
  silent: (entra) => acquire(entra, (client) => client.acquireTokenSilent({ scopes: entra.scopes })),
  interactive: (entra) => acquire(entra, (client) => client.acquireTokenPopup({ scopes: entra.scopes })),
};
