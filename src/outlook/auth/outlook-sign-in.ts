/**
 * The Outlook add-in's sign-in and backend client as its pages and runtimes use them: the token chain over this
 * deployment's GET /api/v1/sign-in, and a backend client that asks the chain for a token before each request.
 */
import {
  createBackend,
  fetchSignInSettings,
  type Backend,
  type BackendConnection,
} from '../../addin/backend';
import type { NestedAppAuth } from './naa';
import { signInChain, type DialogSignIn, type OfficeForSignIn, type SignIn } from './token-chain';

export interface OutlookSignIn extends SignIn {
  backend: Backend;
}

export function outlookSignIn(
  office: OfficeForSignIn,
  config: BackendConnection,
  naa: NestedAppAuth | undefined,
  dialog?: DialogSignIn,
): OutlookSignIn {
  const signIn = signInChain({
    office,
    settings: () => fetchSignInSettings({ baseUrl: config.backendUrl }),
    ...(naa ? { naa } : {}),
    ...(dialog ? { dialog } : {}),
    ...(config.token ? { apiToken: config.token } : {}),
  });
  return { ...signIn, backend: createBackend({ baseUrl: config.backendUrl, tokenSource: signIn.token }) };
}
