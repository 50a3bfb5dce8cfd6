/** Why a sign-in step failed, with a stable code; routes.ts turns each into the pop-up's `SignInFailure`. */
import { SendguardError } from '../../../core/errors';

export type SignInErrorCode =
  /** A provider's document could not be fetched, was too large, late, or not the JSON it should be. */
  | 'SIGN_IN_REMOTE_FAILED'
  /** The provider answered the token request with an error, or sent no ID token. */
  | 'SIGN_IN_TOKEN_REFUSED'
  /** The ID token's signature, issuer, audience, lifetime or nonce did not verify. */
  | 'SIGN_IN_TOKEN_INVALID';

export class SignInError extends SendguardError {
  constructor(
    override readonly code: SignInErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
