/**
 * Microsoft Entra ID access tokens, as Office single sign-on hands them to the add-in. Checked with `jose`:
 * signature against the tenant's published keys, expiry and not-before, issuer, audience, and the tenant claim —
 * a token from another tenant is refused even if the issuer were misconfigured to accept it.
 */
import { jose, type JWTVerifyGetKey } from './jose';
import { systemClock, type Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
import type { EntraConfig } from '../config/schema';
import type { Caller, Role } from './caller';

interface EntraDeps {
  /** The signing keys; by default fetched (and cached by jose) from `jwksUri`. Tests pass a local set. */
  keys?: JWTVerifyGetKey;
  /** Expiry and not-before are judged by its wall time. */
  clock?: Clock;
}

export type EntraVerifier = (token: string) => Promise<{ caller: Caller } | { reason: string }>;

const LOGIN = 'https://login.microsoftonline.com';

/** Entra signs access tokens with RS256 only; accepting nothing else rules out `none` and algorithm confusion. */
const ALGORITHMS = ['RS256'];

function entraIssuer(config: EntraConfig): string {
  return config.issuer ?? `${LOGIN}/${config.tenantId}/v2.0`;
}

export function createEntraVerifier(config: EntraConfig, deps: EntraDeps = {}): EntraVerifier {
  const keys =
    deps.keys ??
    jose.createRemoteJWKSet(new URL(config.jwksUri ?? `${LOGIN}/${config.tenantId}/discovery/v2.0/keys`), {
      timeoutDuration: 5000,
    });
  const issuer = entraIssuer(config);
  const clock = deps.clock ?? systemClock;
  return async (token) => {
    let payload;
    try {
      ({ payload } = await jose.jwtVerify(token, keys, {
        issuer,
        audience: config.audience,
        algorithms: ALGORITHMS,
        clockTolerance: config.clockToleranceSeconds,
        currentDate: new Date(clock.now()),
        requiredClaims: ['exp', 'tid'],
      }));
    } catch (error) {
      // The caller's token may be fine: it is this server that cannot fetch the keys to check it.
      if (error instanceof jose.errors.JWKSTimeout || !(error instanceof jose.errors.JOSEError)) {
        throw new SendguardError('AUTH_UNAVAILABLE', 'sign-in cannot be checked right now', { cause: error });
      }
      return { reason: `${error.code}: ${error.message}` };
    }
    if (payload.tid !== config.tenantId) return { reason: 'token from another tenant' };
    const subject = typeof payload.oid === 'string' ? payload.oid : payload.sub;
    if (!subject) return { reason: 'token names no subject' };
    const appRoles = Array.isArray(payload.roles) ? payload.roles : [];
    const roles: Role[] = appRoles.includes(config.adminRole) ? ['sender', 'admin'] : ['sender'];
    return { caller: { kind: 'entra', subject, tenant: config.tenantId, roles } };
  };
}
