/**
 * What the service says of a pasted token, in the sentence the sign-in screen shows: accepted only when the
 * service names the admin role among the token's roles.
 */
import { readIdentity, type Identity } from '../../core/identity';
import { AdminApiError, type AdminApi } from '../api';

export const NOT_ADMIN = 'This token does not have the admin role: sign in with an admin API token.';
export const NOT_ACCEPTED =
  'The service did not accept this token: it may be mistyped, revoked, or from another service.';

/** The token's identity, or throws an Error whose message is the reason to show. */
export async function checkAdmin(api: AdminApi): Promise<Identity> {
  let identity: Identity;
  try {
    identity = readIdentity(await api.get<unknown>('/me'));
  } catch (error) {
    const status = error instanceof AdminApiError ? error.status : undefined;
    const said = error instanceof Error ? error.message : String(error);
    const why = status === 401 ? NOT_ACCEPTED : status === 403 ? NOT_ADMIN : `Could not sign in: ${said}`;
    throw new Error(why, { cause: error });
  }
  if (!identity.roles.includes('admin')) throw new Error(NOT_ADMIN);
  return identity;
}
