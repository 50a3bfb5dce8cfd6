/**
 * Microsoft Entra ID access tokens, as nested app authentication (MSAL) or Office single sign-on hands them to
 * the add-in. jose checks the signature against the tenant's keys (RS256 only), the issuer, the audience, expiry
 * and not-before; entra-claims.ts then judges the token version, the tenant, the delegated scope, the client
 * application and the user's identity.
 */
import { jose, type JWTVerifyGetKey } from './jose';
import { systemClock, type Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
import type { EntraConfig } from '../config/schema';
import type { Caller } from './caller';
import { entraCaller, versionRefusal } from './entra-claims';
import { entraKeySet, KeySetUnavailableError } from './entra-keys';

interface EntraDeps {
  /**
   * The signing keys; by default those `jwksUri` names (fetched and cached, or read from a file). A failure to
   * have them is a KeySetUnavailableError (503); any other error that is not jose's is a fault (500).
   */
  keys?: JWTVerifyGetKey;
  /** Expiry and not-before are judged by its wall time. */
  clock?: Clock;
}

export type EntraVerifier = (token: string) => Promise<{ caller: Caller } | { reason: string }>;

/** Entra signs access tokens with RS256 only; accepting nothing else rules out `none` and algorithm confusion. */
const ALGORITHMS = ['RS256'];

/** The payload as it claims to be, for refusals only: nothing it says is believed before jose checked it. */
function unverifiedClaims(token: string): Record<string, unknown> {
  try {
    return jose.decodeJwt(token);
  } catch {
    return {};
  }
}

export function createEntraVerifier(config: EntraConfig, deps: EntraDeps = {}): EntraVerifier {
  const clock = deps.clock ?? systemClock;
  const keys = deps.keys ?? entraKeySet(config.jwksUri, clock);
  return async (token) => {
    const refusal = versionRefusal(unverifiedClaims(token));
    if (refusal) return { reason: refusal };
    let payload;
    try {
      ({ payload } = await jose.jwtVerify(token, keys, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: config.clockToleranceSeconds,
        currentDate: new Date(clock.now()),
        requiredClaims: ['exp', 'tid', 'oid'],
      }));
    } catch (error) {
      // The caller's token may be fine: it is this server that cannot fetch or read the keys to check it.
      if (error instanceof KeySetUnavailableError) {
        throw new SendguardError('AUTH_UNAVAILABLE', 'sign-in cannot be checked right now', { cause: error });
      }
      if (!(error instanceof jose.errors.JOSEError)) throw error;
      return { reason: `${error.code}: ${error.message}` };
    }
    return entraCaller(payload, config);
  };
}
