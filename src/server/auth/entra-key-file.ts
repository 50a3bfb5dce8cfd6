/**
 * Entra's signing keys from a local file (`jwksUri: file:…`), for a machine that must not or cannot reach
 * Microsoft — an air-gapped test bed, a check against a fixed key set. The file is read at start, so a missing or
 * broken one stops the service instead of refusing every sign-in. A token naming a key ID the set lacks has the
 * file read again — at most once per cooldown, as jose does for a remote set, so a stream of forged key IDs
 * costs one read per cooldown — and its keys replaced when the content differs: rotating the keys in the file
 * needs no restart, whatever the file's modification time says.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
import { jose, type JWTVerifyGetKey } from './jose';

/** jose's default cooldown between fetches of a remote key set for unknown key IDs. */
const RELOAD_COOLDOWN_MS = 30_000;

interface Loaded {
  getKey: JWTVerifyGetKey;
  digest: string;
}

const digestOf = (content: Buffer): string => createHash('sha256').update(content).digest('hex');

/** The key set in `content`; throws jose's JWKSInvalid, or a SyntaxError, when it is none. */
function keySetOf(content: Buffer): Loaded {
  return {
    getKey: jose.createLocalJWKSet(JSON.parse(content.toString('utf8'))),
    digest: digestOf(content),
  };
}

function loadAtStart(path: string): Loaded {
  try {
    return keySetOf(readFileSync(path));
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

/**
 * The key set in the file at `path`. Past start, a file that cannot be read or parsed throws what reading or
 * parsing threw (the caller reports the keys as unavailable) and keeps the keys read before.
 */
export function keyFileSet(path: string, clock: Clock): JWTVerifyGetKey {
  let loaded = loadAtStart(path);
  let readAt = clock.monotonic();
  return async (header, token) => {
    try {
      return await loaded.getKey(header, token);
    } catch (error) {
      const coolingDown = clock.monotonic() - readAt < RELOAD_COOLDOWN_MS;
      if (!(error instanceof jose.errors.JWKSNoMatchingKey) || coolingDown) throw error;
      readAt = clock.monotonic();
      const content = readFileSync(path);
      if (digestOf(content) === loaded.digest) throw error;
      loaded = keySetOf(content);
      return loaded.getKey(header, token);
    }
  };
}
