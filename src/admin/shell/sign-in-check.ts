/**
 * What the service says of a pasted token, in the sentence the sign-in screen shows: accepted only when the
 * service names the admin role among the token's roles.
 */
import { readIdentity, type Identity } from '../../core/identity';
import { AdminApiError, type AdminApi } from '../api';

export const NOT_ADMIN = 'This token does not have the admin role: sign in with an admin API token.';
export const NOT_ACCEPTED =
  'The service did not accept this token: it may be mistyped, revoked, or from another service.';

/**
 * Why a token was not accepted, in the sentence to show. `refused`: the service said no to this token (401, 403,
 * or no admin role), so it is of no more use; otherwise the check itself failed (unreachable, 5xx) and the token
 * may well be good, so a token kept from before is kept for a retry.
 */
export class SignInError extends Error {
  constructor(
    message: string,
    readonly refused: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SignInError';
  }
}

/** The token's identity, or throws a SignInError. */
export async function checkAdmin(api: AdminApi): Promise<Identity> {
  let identity: Identity;
  try {
    identity = readIdentity(await api.get<unknown>('/me'));
  } catch (error) {
    const status = error instanceof AdminApiError ? error.status : undefined;
    if (status === 401) throw new SignInError(NOT_ACCEPTED, true, { cause: error });
    if (status === 403) throw new SignInError(NOT_ADMIN, true, { cause: error });
    const said = error instanceof Error ? error.message : String(error);
    throw new SignInError(`Could not sign in: ${said}`, false, { cause: error });
  }
  if (!identity.roles.includes('admin')) throw new SignInError(NOT_ADMIN, true);
  return identity;
}
