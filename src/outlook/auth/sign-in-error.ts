/**
 * Why no token could be had. `SIGN_IN_NEEDED`: the sender must sign in (nobody signed in, consent missing, the
 * sign-in expired); `SIGN_IN_CANCELLED`: they closed the sign-in; `SIGN_IN_FAILED`: anything else, with the
 * host's words. The backend client turns each into its `BACKEND_NOT_SIGNED_IN`, which stops a send with the
 * sign-in reason.
 */
import { SendguardError } from '../../core/errors';

export type SignInErrorCode = 'SIGN_IN_NEEDED' | 'SIGN_IN_CANCELLED' | 'SIGN_IN_FAILED';

export class SignInError extends SendguardError {
  constructor(
    override readonly code: SignInErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
