/**
 * Which way this Outlook gets the add-in's token, silently for every request and interactively only when the
 * sender presses Sign in: nested app authentication where the host supports it (requirement set NestedAppAuth
 * 1.1, MSAL loaded and the host's bridge there), Office SSO otherwise, and the dialog sign-in when the pane's
 * Sign in cannot work either way. A service without Entra sign-in (`entra: null`) gets the configured API token,
 * if any, as before.
 *
 * Requests made at once (the send check asks policy and assessment together; the pane asks who is signed in too)
 * share one silent sign-in: Office refuses a call while another runs (13008) and throttles bursts (13013). Office
 * SSO's and the dialog's tokens are kept in memory until shortly before they expire; MSAL keeps its own.
 */
import type { SignInReach, TokenSource } from '../../addin/backend';
import type { SignInSettings } from '../../core/sign-in';
import type { HeldToken } from './dialog-sign-in';
import type { EntraSignIn, NestedAppAuth } from './naa';
import { officeSsoToken, type OfficeAuth } from './office-sso';
import { SingleFlight } from '../../core/single-flight';
import { SignInError } from './sign-in-error';
import { tokenExpiry } from './token-expiry';

/** The parts of `Office` the chain reads. */
export interface OfficeForSignIn {
  context: { requirements: { isSetSupported(name: string, minVersion?: string): boolean } };
  auth?: OfficeAuth;
}

/**
 * Whether this Outlook offers nested app authentication: MSAL is loaded (`naa`) and the host supports requirement
 * set NestedAppAuth 1.1. The host is asked only when MSAL is there.
 */
export function offersNestedAppAuth(
  office: OfficeForSignIn,
  naa: NestedAppAuth | undefined,
): naa is NestedAppAuth {
  return !!naa && office.context.requirements.isSetSupported('NestedAppAuth', '1.1');
}

/** A sign-in in a window of our own (the Office dialog API), for where neither NAA nor SSO can prompt. */
export type DialogSignIn = () => Promise<HeldToken>;

/** A kept token is used until this long before it expires, then the host is asked again. */
const EXPIRY_MARGIN_MS = 60_000;

export interface SignInDeps {
  office: OfficeForSignIn;
  /** GET /api/v1/sign-in, asked once and kept once answered. */
  settings: () => Promise<SignInSettings>;
  /** Absent where MSAL is not loaded (the JavaScript-only runtime). */
  naa?: NestedAppAuth;
  dialog?: DialogSignIn;
  /** The configured API token, for a service without Entra sign-in. */
  apiToken?: string;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

export interface SignIn {
  /** Never prompts: what the backend client asks before each request. */
  token: TokenSource;
  /** The service refused `token` (401/403): it is not used again, and MSAL is asked past its cache once. */
  refused(token: string): void;
  /** Prompts (the pane's Sign in button); resolves once a token was had, with where that sign-in holds. */
  signInInteractively(): Promise<SignInReach>;
  /**
   * The service now gives other sign-in settings than those the chain kept: they are asked again, and a token
   * held under the old ones is dropped, as is one still being had under them.
   */
  settingsChanged(): void;
  /** How many times the settings changed: a token is only ever handed out under the current count. */
  settingsGeneration(): number;
}

/**
 * `ask`'s answer, asked once and kept (`get`); a failure is not kept, so the next call asks again, nor one
 * `forget` drops.
 */
function keptOnceHad<T>(ask: () => Promise<T>): { get: () => Promise<T>; forget: () => void } {
  let had: Promise<T> | undefined;
  return {
    get: () => {
      had ??= ask().catch((error: unknown) => {
        had = undefined;
        throw error;
      });
      return had;
    },
    forget: () => {
      had = undefined;
    },
  };
}

/** `ask`s run one after another, never two at once (Office SSO refuses an overlapping call). */
function oneAtATime(): <T>(ask: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (ask) => {
    const run = last.then(ask, ask);
    last = run.catch(() => undefined);
    return run;
  };
}

const isCode = (error: unknown, code: SignInError['code']) =>
  error instanceof SignInError && error.code === code;

export function signInChain(deps: SignInDeps): SignIn {
  const kept = keptOnceHad(deps.settings);
  const settings = kept.get;
  /** Silent requests made at once share one: Office SSO refuses an overlapping call. Nothing is kept here. */
  const silentFlight = new SingleFlight<string | undefined>();
  const now = deps.now ?? Date.now;
  const sso = oneAtATime();
  /** Office SSO's or the dialog's token, in memory only: MSAL keeps NAA's itself. */
  let held: HeldToken | undefined;
  /** MSAL found no bridge although the host reports NestedAppAuth: SSO and the dialog serve from then on. */
  let noBridge = false;
  /** After a refusal, the next silent NAA request goes past MSAL's cache; the token it brought, if refused, not. */
  let refreshNext = false;
  let refreshed: string | undefined;
  /**
   * Counts settingsChanged. A token had under an older count is neither handed out nor kept: a request made after
   * the change must not be given a token a sign-in under the old settings was still getting.
   */
  let generation = 0;

  const naa = () => (!noBridge && offersNestedAppAuth(deps.office, deps.naa) ? deps.naa : undefined);

  /** Through NAA where it is there; `otherwise` where it is not, or MSAL says it is not. */
  async function viaNaa<T>(ask: (naa: NestedAppAuth) => Promise<T>, otherwise: () => Promise<T>): Promise<T> {
    const nested = naa();
    if (!nested) return otherwise();
    try {
      return await ask(nested);
    } catch (error) {
      if (!isCode(error, 'SIGN_IN_UNAVAILABLE')) throw error;
      noBridge = true;
      return otherwise();
    }
  }

  /**
   * Keeps SSO's token until shortly before its `exp`; one whose expiry cannot be read is not kept, nor one had
   * under settings that changed since (`under`).
   */
  function hold(token: string, under: number): string {
    if (under !== generation) return token;
    const expiresAt = tokenExpiry(token);
    held = expiresAt === undefined ? undefined : { token, expiresAt };
    return token;
  }

  async function naaSilent(nested: NestedAppAuth, entra: EntraSignIn): Promise<string> {
    const forceRefresh = refreshNext;
    refreshNext = false;
    const token = await nested.silent(entra, forceRefresh ? { forceRefresh } : {});
    if (forceRefresh) refreshed = token;
    return token;
  }

  /** Shared by the requests made under one settings generation only; one had under older settings is asked anew. */
  const silently = async (): Promise<string | undefined> => {
    const under = generation;
    const token = await silentFlight.run(`token ${under}`, async (): Promise<string | undefined> => {
      // Where NAA may serve, MSAL loads while the settings are asked, not after.
      naa()?.warmUp?.();
      const { entra } = await settings();
      if (!entra) return deps.apiToken;
      if (held && held.expiresAt - EXPIRY_MARGIN_MS > now()) return held.token;
      return viaNaa(
        (nested) => naaSilent(nested, entra),
        () => sso(() => officeSsoToken(deps.office.auth, false)).then((had) => hold(had, under)),
      );
    });
    return under === generation ? token : silently();
  };

  async function interactive(entra: EntraSignIn): Promise<SignInReach> {
    const under = generation;
    try {
      await viaNaa(
        (nested) => nested.interactive(entra),
        () => sso(() => officeSsoToken(deps.office.auth, true)).then((had) => hold(had, under)),
      );
      return 'everywhere';
    } catch (error) {
      // The sender closing the prompt is their answer; a sign-in that cannot work here falls back to the dialog.
      if (!deps.dialog || isCode(error, 'SIGN_IN_CANCELLED')) throw error;
      const had = await deps.dialog();
      if (under === generation) held = had;
      return 'pane-only';
    }
  }

  return {
    token: silently,
    refused: (token) => {
      if (held?.token === token) held = undefined;
      // Once per refusal: a token MSAL brought past its cache and the service refused too is the sender's to mend.
      if (token !== refreshed) refreshNext = true;
    },
    signInInteractively: async () => {
      const { entra } = await settings();
      if (!entra)
        throw new SignInError(
          'SIGN_IN_FAILED',
          'This Sendguard service does not use Microsoft sign-in: ask your administrator for access.',
        );
      return interactive(entra);
    },
    settingsChanged: () => {
      generation += 1;
      kept.forget();
      held = undefined;
    },
    settingsGeneration: () => generation,
  };
}
