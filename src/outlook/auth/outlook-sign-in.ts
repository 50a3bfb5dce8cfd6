/**
 * The Outlook add-in's sign-in and backend client as its pages and runtimes use them: the token chain over this
 * deployment's GET /api/v1/sign-in, a backend client that asks the chain for a token before each request, and
 * who the service takes the sender to be.
 */
import {
  createBackend,
  fetchIdentity,
  fetchSignInSettings,
  type Backend,
  type BackendConnection,
  type Identity,
} from '../../addin/backend';
import { pagePolicyStore, pageStorage } from '../../addin/policy-store';
import type { NestedAppAuth } from './naa';
import { signInChain, type DialogSignIn, type OfficeForSignIn, type SignIn } from './token-chain';

/**
 * GET /api/v1/sign-in's own deadline, shorter than the token's share of a request's (backend.ts): a slow service is
 * reported as the service not answering in time, never as the sender's sign-in not finishing.
 */
export const SETTINGS_DEADLINE_MS = 1000;

export interface OutlookSignIn extends SignIn {
  backend: Backend;
  /** Who the service takes the sender to be. */
  whoAmI: () => Promise<Identity>;
}

export function outlookSignIn(
  office: OfficeForSignIn,
  config: BackendConnection,
  naa: NestedAppAuth | undefined,
  dialog?: DialogSignIn,
): OutlookSignIn {
  const signIn = signInChain({
    office,
    settings: () => fetchSignInSettings({ baseUrl: config.backendUrl, deadlineMs: SETTINGS_DEADLINE_MS }),
    ...(naa ? { naa } : {}),
    ...(dialog ? { dialog } : {}),
    ...(config.token ? { apiToken: config.token } : {}),
  });
  const connection = {
    baseUrl: config.backendUrl,
    tokenSource: signIn.token,
    onRefused: signIn.refused,
    // Kept across openings of the pane and sends, confirmed by the service each time (ETag, 304).
    policyStore: pagePolicyStore(pageStorage(), config.backendUrl),
  };
  return { ...signIn, backend: createBackend(connection), whoAmI: () => fetchIdentity(connection) };
}
