/// <reference types="office-js" />
/**
 * signin.html, opened by the pane in an Office dialog (dialog-sign-in.ts): signs the sender in to this
 * deployment's Entra app registration with MSAL's authorization code flow with PKCE (a redirect to the
 * authority and back to this page) and hands the access token to the pane with `messageParent`, addressed to
 * this origin only. MSAL keeps the sign-in's state (PKCE verifier, state, nonce) and the tokens in this window's
 * session storage — it refuses a redirect with memory storage, which the way back would lose — and the page
 * empties that storage before it answers; the pane keeps the token in memory and closes the window.
 */
import { createStandardPublicClientApplication } from '@azure/msal-browser';
import { fetchSignInSettings } from '../../addin/backend';
import { messageOf } from '../../core/errors';
import { showOutsideOutlook } from '../outside-outlook';
import { tokenAnswer, type DialogAnswer } from './dialog-sign-in';

function answer(message: DialogAnswer): void {
  // This window's own session (the dialog's tab) only: nothing of the sign-in is left behind in it.
  sessionStorage.clear();
  Office.context.ui.messageParent(JSON.stringify(message), { targetOrigin: location.origin });
}

async function signIn(): Promise<DialogAnswer> {
  const { entra } = await fetchSignInSettings({ baseUrl: location.origin });
  if (!entra) return { kind: 'error', message: 'this Sendguard service does not use Microsoft sign-in' };
  const msal = await createStandardPublicClientApplication({
    auth: {
      clientId: entra.clientId,
      authority: entra.authority,
      // The deployment's own authority, whatever its cloud: MSAL asks it for its metadata rather than asking
      // login.microsoftonline.com about it first, so the page reaches that one origin only (its CSP).
      knownAuthorities: [new URL(entra.authority).host],
      redirectUri: `${location.origin}${location.pathname}`,
    },
    cache: { cacheLocation: 'sessionStorage' },
  });
  const result = await msal.handleRedirectPromise();
  if (result) return tokenAnswer(result.accessToken, result.expiresOn);
  // Leaves for the authority; this page is loaded again on the way back, with the answer to redeem.
  await msal.acquireTokenRedirect({ scopes: entra.scopes });
  return new Promise<never>(() => undefined);
}

void Office.onReady(() => {
  // Opened by its address rather than as the pane's dialog: there is nobody to hand a token to.
  if (!(Office.context as Partial<typeof Office.context> | undefined)?.ui?.messageParent)
    return showOutsideOutlook(
      'This is Sendguard’s sign-in window: open it with the Sign in button in Sendguard’s pane in Outlook.',
    );
  return signIn().then(answer, (error: unknown) => answer({ kind: 'error', message: messageOf(error) }));
});
