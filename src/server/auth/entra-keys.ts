/**
 * Where Entra's signing keys come from: the tenant's published key set over HTTPS (fetched, cached and re-fetched
 * for an unknown key ID by jose), or a local file (`file:`) for a machine that must not or cannot reach Microsoft
 * — an air-gapped test bed, a check against a fixed key set. A file is read at start, so a missing or broken one
 * stops the service instead of refusing every sign-in, and read again only when a token names a key ID it lacks
 * and the file has changed since: rotating the keys in the file needs no restart.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SendguardError } from '../../core/errors';
import { jose, type JWTVerifyGetKey } from './jose';

/** Microsoft answers in well under a second; past this the check reports "cannot check" (503), not "refused". */
const FETCH_TIMEOUT_MS = 5000;

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

/** The key set `jwksUri` names: `file:` read locally, `http(s):` fetched. */
export function entraKeySet(jwksUri: string): JWTVerifyGetKey {
  const url = new URL(jwksUri);
  if (url.protocol === 'file:') return localKeySet(fileURLToPath(url));
  return jose.createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS });
}
