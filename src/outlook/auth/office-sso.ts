/**
 * Office single sign-on (`Office.auth.getAccessToken`): the token Office holds for the signed-in user, for this
 * add-in's Entra registration (the manifest's WebApplicationInfo). Where nested app authentication is not
 * supported — classic Outlook's JavaScript-only runtime — this is how the send handler gets its token. Office
 * refuses a call while another runs (13008) and throttles bursts (13013): the token chain asks one at a time and
 * keeps the answer.
 */
import { SignInError, signInFailure, type SignInErrorCode } from './sign-in-error';

/** The part of `Office.auth` this uses (Office.js's own type, narrowed so that a test can stand in for it). */
export interface OfficeAuth {
  getAccessToken(options: { allowSignInPrompt: boolean; allowConsentPrompt: boolean }): Promise<string>;
}

/**
 * Office's SSO error codes with a cause of their own (learn.microsoft.com, "Troubleshoot error messages for single
 * sign-on"): 13001 nobody signed in, 13002 the prompt closed, 13005 consent missing, 13000 and 13012 SSO not
 * supported by this Office or this runtime. Every other code is Office's sign-in failing.
 */
const CAUSES = new Map<number, SignInErrorCode>([
  [13001, 'SIGN_IN_NEEDED'],
  [13002, 'SIGN_IN_CANCELLED'],
  [13005, 'SIGN_IN_CONSENT_MISSING'],
  [13000, 'SIGN_IN_UNAVAILABLE'],
  [13012, 'SIGN_IN_UNAVAILABLE'],
]);

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The token, prompting only when `prompt` (the pane's Sign in button; never the send handler). */
export async function officeSsoToken(auth: OfficeAuth | undefined, prompt: boolean): Promise<string> {
  if (!auth) throw new SignInError('SIGN_IN_UNAVAILABLE');
  try {
    return await auth.getAccessToken({ allowSignInPrompt: prompt, allowConsentPrompt: prompt });
  } catch (error) {
    // Office's own words and code stay in the cause, for the failure log; the sender gets the plain cause.
    throw signInFailure(CAUSES.get(codeOf(error) ?? 0) ?? 'SIGN_IN_FAILED', error);
  }
}
