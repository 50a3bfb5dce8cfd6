/**
 * Which way this Outlook gets the add-in's token, silently for every request and interactively only when the
 * sender presses Sign in: nested app authentication where the host supports it (requirement set NestedAppAuth
 * 1.1) and MSAL is loaded, Office SSO otherwise. A service without Entra sign-in (`entra: null`) gets the
 * configured API token, if any, as before.
 */
import type { TokenSource } from '../../addin/backend';
import type { SignInSettings } from '../../core/sign-in';
import type { HeldToken } from './dialog-sign-in';
import type { EntraSignIn, NestedAppAuth } from './naa';
import { officeSsoToken, type OfficeAuth } from './office-sso';
import { SignInError } from './sign-in-error';

/** The parts of `Office` the chain reads. */
export interface OfficeForSignIn {
  context: { requirements: { isSetSupported(name: string, minVersion?: string): boolean } };
  auth?: OfficeAuth;
}

/** A sign-in in a window of our own (the Office dialog API), for where neither NAA nor SSO can prompt. */
export type DialogSignIn = () => Promise<HeldToken>;

/** A token from the dialog is used until this long before it expires, then the silent ways are asked again. */
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
  /** Prompts (the pane's Sign in button); resolves once a token was had. */
  signInInteractively(): Promise<void>;
}

/** Keeps the answer once there is one; a failure is not kept, so the next call asks again. */
function once<T>(ask: () => Promise<T>): () => Promise<T> {
  let kept: Promise<T> | undefined;
  return () => {
    if (!kept) {
      const asked = ask();
      asked.catch(() => {
        if (kept === asked) kept = undefined;
      });
      kept = asked;
    }
    return kept;
  };
}

export function signInChain(deps: SignInDeps): SignIn {
  const settings = once(deps.settings);
  const naa =
    deps.naa && deps.office.context.requirements.isSetSupported('NestedAppAuth', '1.1')
      ? deps.naa
      : undefined;

  async function entraOrNull(): Promise<EntraSignIn | null> {
    return (await settings()).entra;
  }

  const now = deps.now ?? Date.now;
  /** The dialog's token, in memory only: neither NAA nor SSO keeps it for us. */
  let fromDialog: HeldToken | undefined;

  async function interactive(entra: EntraSignIn): Promise<void> {
    if (naa) {
      await naa.interactive(entra);
      return;
    }
    try {
      await officeSsoToken(deps.office.auth, true);
    } catch (error) {
      // The sender closing the prompt is their answer; only an SSO that cannot work here falls back to the dialog.
      if (!deps.dialog || (error instanceof SignInError && error.code === 'SIGN_IN_CANCELLED')) throw error;
      fromDialog = await deps.dialog();
    }
  }

  return {
    token: async () => {
      const entra = await entraOrNull();
      if (!entra) return deps.apiToken;
      if (fromDialog && fromDialog.expiresAt - EXPIRY_MARGIN_MS > now()) return fromDialog.token;
      return naa ? naa.silent(entra) : officeSsoToken(deps.office.auth, false);
    },
    signInInteractively: async () => {
      const entra = await entraOrNull();
      if (!entra)
        throw new SignInError(
          'SIGN_IN_FAILED',
          'This Sendguard service does not use Microsoft sign-in: ask your administrator for access.',
        );
      await interactive(entra);
    },
  };
}
