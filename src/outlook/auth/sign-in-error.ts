/**
 * Why no token could be had. `SIGN_IN_NEEDED`: the sender must sign in (nobody signed in to Outlook, the sign-in
 * expired); `SIGN_IN_CONSENT_MISSING`: Sendguard lacks the permission to sign them in, which an administrator
 * grants; `SIGN_IN_UNAVAILABLE`: this Outlook offers this way of signing in not at all; `SIGN_IN_CANCELLED`:
 * they closed the sign-in; `SIGN_IN_FAILED`: anything else. The message is the plain cause the sender is shown;
 * the host's own words and error code stay in `cause`, for the failure log. The backend client turns each into
 * its `BACKEND_NOT_SIGNED_IN`, which stops a send with the sign-in reason.
 */
import { SendguardError } from '../../core/errors';

export type SignInErrorCode =
  | 'SIGN_IN_NEEDED'
  | 'SIGN_IN_CONSENT_MISSING'
  | 'SIGN_IN_UNAVAILABLE'
  | 'SIGN_IN_CANCELLED'
  | 'SIGN_IN_FAILED';

/** What the sender is told for each cause: short and lower case, it follows "You are not signed in … (". */
export const SIGN_IN_CAUSES = {
  SIGN_IN_NEEDED: 'not signed in to Outlook, or the sign-in expired',
  SIGN_IN_CONSENT_MISSING: 'Sendguard lacks permission to sign you in; ask your administrator',
  SIGN_IN_UNAVAILABLE: 'this version of Outlook cannot sign you in to Sendguard',
  SIGN_IN_CANCELLED: 'the sign-in was closed',
  SIGN_IN_FAILED: 'Outlook’s sign-in did not work',
} as const satisfies Record<SignInErrorCode, string>;

export class SignInError extends SendguardError {
  /** `message` defaults to the cause's plain words; give one only where they can be more specific. */
  constructor(
    override readonly code: SignInErrorCode,
    message: string = SIGN_IN_CAUSES[code],
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The error for `code`, keeping the host's failure as its cause. */
export function signInFailure(code: SignInErrorCode, cause: unknown): SignInError {
  return new SignInError(code, SIGN_IN_CAUSES[code], { cause });
}
