/**
 * Where Entra's signing keys come from: the tenant's published key set over HTTPS (fetched, cached and re-fetched
 * for an unknown key ID by jose), or a local file (`file:`, entra-key-file.ts). Either way, keys that cannot be
 * had are told apart from a token the keys do not fit.
 */
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from '../../core/clock';
import { messageOf, SendguardError } from '../../core/errors';
import { keyFileSet } from './entra-key-file';
import { jose, type JWTVerifyGetKey } from './jose';

/** Microsoft answers in well under a second; past this the check reports "cannot check" (503), not "refused". */
const FETCH_TIMEOUT_MS = 5000;

/**
 * The key set could not be fetched or read — no answer, a time-out, an HTTP error, a body that is not a key set, a
 * file broken since start: nothing is known about the token, so the verifier answers "cannot check" (503), not
 * "refused" (401) for every user.
 */
export class KeySetUnavailableError extends SendguardError {
  constructor(cause: unknown) {
    super('KEY_SET_UNAVAILABLE', `the signing key set cannot be fetched or read: ${messageOf(cause)}`, {
      cause,
    });
  }
}

/**
 * A key set that was read but holds no single key for the token's key ID: the token's fault, for jose to judge
 * (for several matching keys jose tries each, through the error's own iterator, so it passes unchanged).
 */
function isTokenFault(error: unknown): boolean {
  return (
    error instanceof jose.errors.JWKSNoMatchingKey || error instanceof jose.errors.JWKSMultipleMatchingKeys
  );
}

/** `getKey` with every failure that is not the token's fault raised as KeySetUnavailableError. */
function failingAsUnavailable(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (isTokenFault(error)) throw error;
      throw new KeySetUnavailableError(error);
    }
  };
}

/**
 * The key set `jwksUri` names: `file:` read locally (re-read on `clock`'s time), `http(s):` fetched. Throws KeySetUnavailableError for a
 * token when the set cannot be had, and jose's JWKSNoMatchingKey when it has no key for the token.
 */
export function entraKeySet(jwksUri: string, clock: Clock = systemClock): JWTVerifyGetKey {
  const url = new URL(jwksUri);
  return failingAsUnavailable(
    url.protocol === 'file:'
      ? keyFileSet(fileURLToPath(url), clock)
      : jose.createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS }),
  );
}
