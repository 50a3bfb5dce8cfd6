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
import type { SignInSettings } from '../../core/sign-in';
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

/** GET /api/v1/sign-in of this deployment. */
const askSettings = (config: BackendConnection) => () =>
  fetchSignInSettings({ baseUrl: config.backendUrl, deadlineMs: SETTINGS_DEADLINE_MS });

/**
 * GET /api/v1/sign-in asked now, before Office is ready (which takes a while in Outlook), for the first caller;
 * later callers ask anew (the token chain keeps the answer it had, and asks again after a failure).
 */
export function signInSettingsAskedEarly(config: BackendConnection): () => Promise<SignInSettings> {
  const ask = askSettings(config);
  let early: Promise<SignInSettings> | undefined = ask();
  // A failure is the first caller's to meet; until one asks, it must not surface as unhandled.
  early.catch(() => undefined);
  return () => {
    const asked = early ?? ask();
    early = undefined;
    return asked;
  };
}

/** `settings`: how the sign-in settings are asked (signInSettingsAskedEarly), GET /api/v1/sign-in by default. */
export function outlookSignIn(
  office: OfficeForSignIn,
  config: BackendConnection,
  naa: NestedAppAuth | undefined,
  dialog?: DialogSignIn,
  settings: () => Promise<SignInSettings> = askSettings(config),
): OutlookSignIn {
  const signIn = signInChain({
    office,
    settings,
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
