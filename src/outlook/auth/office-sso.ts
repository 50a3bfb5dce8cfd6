/**
 * Office single sign-on (`Office.auth.getAccessToken`): the token Office holds for the signed-in user, for this
 * add-in's Entra registration (the manifest's WebApplicationInfo). Where nested app authentication is not
 * supported — classic Outlook's JavaScript-only runtime — this is how the send handler gets its token.
 */
import { SignInError } from './sign-in-error';

/** The part of `Office.auth` this uses (Office.js's own type, narrowed so that a test can stand in for it). */
export interface OfficeAuth {
  getAccessToken(options: { allowSignInPrompt: boolean; allowConsentPrompt: boolean }): Promise<string>;
}

/**
 * Office's SSO error codes that mean the sender has to sign in or consent (learn.microsoft.com, "Troubleshoot
 * error messages for single sign-on"): 13001 not signed in, 13005 consent missing.
 */
const NEEDS_SIGN_IN = new Set([13001, 13005]);
/** 13002: the user closed the sign-in or consent prompt. */
const CANCELLED = 13002;

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function textOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  const code = codeOf(error);
  return `${typeof message === 'string' && message ? message : 'no reason given'}${code ? ` (Office error ${code})` : ''}`;
}

/** The token, prompting only when `prompt` (the pane's Sign in button; never the send handler). */
export async function officeSsoToken(auth: OfficeAuth | undefined, prompt: boolean): Promise<string> {
  if (!auth) throw new SignInError('SIGN_IN_FAILED', 'this version of Outlook offers no single sign-on');
  try {
    return await auth.getAccessToken({ allowSignInPrompt: prompt, allowConsentPrompt: prompt });
  } catch (error) {
    const code = codeOf(error);
    if (code === CANCELLED)
      throw new SignInError('SIGN_IN_CANCELLED', 'the sign-in was closed', { cause: error });
    if (code !== undefined && NEEDS_SIGN_IN.has(code))
      throw new SignInError('SIGN_IN_NEEDED', `Outlook needs you to sign in: ${textOf(error)}`, {
        cause: error,
      });
    throw new SignInError('SIGN_IN_FAILED', `Outlook’s single sign-on failed: ${textOf(error)}`, {
      cause: error,
    });
  }
}
