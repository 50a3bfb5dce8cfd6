/**
 * Where Entra's signing keys come from: the tenant's published key set over HTTPS (fetched, cached and re-fetched
 * for an unknown key ID by jose), or a local file (`file:`) for a machine that must not or cannot reach Microsoft
 * — an air-gapped test bed, a check against a fixed key set. A file is read at start, so a missing or broken one
 * stops the service instead of refusing every sign-in, and read again only when a token names a key ID it lacks
 * and the file has changed since: rotating the keys in the file needs no restart.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { messageOf, SendguardError } from '../../core/errors';
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

type Loaded = { getKey: JWTVerifyGetKey; modified: number };

function loadKeyFile(path: string): Loaded {
  try {
    const modified = statSync(path).mtimeMs;
    return { getKey: jose.createLocalJWKSet(JSON.parse(readFileSync(path, 'utf8'))), modified };
  } catch (error) {
    throw new SendguardError(
      'CONFIG_INVALID',
      `auth.entra.jwksUri: ${path} is not a readable JSON Web Key Set`,
      {
        cause: error,
      },
    );
  }
}

function localKeySet(path: string): JWTVerifyGetKey {
  let loaded = loadKeyFile(path);
  return async (header, token) => {
    try {
      return await loaded.getKey(header, token);
    } catch (error) {
      if (!(error instanceof jose.errors.JWKSNoMatchingKey) || statSync(path).mtimeMs === loaded.modified)
        throw error;
      loaded = loadKeyFile(path);
      return loaded.getKey(header, token);
    }
  };
}

/**
 * The key set `jwksUri` names: `file:` read locally, `http(s):` fetched. Throws KeySetUnavailableError for a
 * token when the set cannot be had, and jose's JWKSNoMatchingKey when it has no key for the token.
 */
export function entraKeySet(jwksUri: string): JWTVerifyGetKey {
  const url = new URL(jwksUri);
  return failingAsUnavailable(
    url.protocol === 'file:'
      ? localKeySet(fileURLToPath(url))
      : jose.createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS }),
  );
}
