/** What the recipient is told when a sign-in did not start a session: what happened, and what to do now. */
import type { SignInFailure } from '../core/escrow/sign-in-outcome';

export const POPUP_BLOCKED =
  'Your browser blocked the sign-in window. Allow pop-ups for this page (the icon at the end of the address bar), then choose Sign in again.';

export function signInFailureText(failure: SignInFailure, label: string): string {
  switch (failure) {
    case 'expired':
      return 'The sign-in took too long, or was started in another window. Choose Sign in again.';
    case 'cancelled':
      return `The sign-in at ${label} was cancelled. Choose Sign in again when you are ready.`;
    case 'provider-error':
      return `${label} could not be reached, or its answer could not be checked. Try again in a few minutes.`;
    case 'not-a-recipient':
      return `The account you signed in with at ${label} is not the address this message was sent to, or ${label} does not confirm that the account owns that address. Sign in with the account of the address the message was sent to; if ${label} signed you in with another account, sign out there first.`;
    case 'gone':
      return 'This message is no longer available: the sender revoked it or it expired. Ask the sender to send it again.';
    case 'too-many':
      return 'There were too many tries from your network. Wait a few minutes, then try again.';
    case 'not-offered':
      return `Signing in with ${label} is no longer offered for this message. Open the link from the email again.`;
  }
}
