/**
 * The authorization code's trade for an ID token (RFC 6749 §4.1.3 with PKCE, RFC 7636) and the token's checks
 * (OpenID Connect Core §3.1.3.7): signature by the provider's published keys, issuer, audience, authorized
 * party, lifetime and nonce. What the claims say about the address is claims.ts's business.
 */
import { timingSafeEqual } from 'node:crypto';
import { jose, type JWTVerifyGetKey } from '../../auth/jose';
import { BoundedCache } from '../../store/bounded-cache';
import { issuerAccepted, type ClaimRules, type Claims } from './claims';
import { SignInError } from './errors';
import { fetchJson, type RemoteJsonDeps } from './remote-json';

export interface CodeExchange {
  tokenEndpoint: string;
  clientId: string;
  clientSecret?: string;
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** The ID token the provider gives for the code; SIGN_IN_TOKEN_REFUSED when it gives none. */
export async function exchangeCode(
  exchange: CodeExchange,
  deps: RemoteJsonDeps,
  signal?: AbortSignal,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: exchange.code,
    redirect_uri: exchange.redirectUri,
    code_verifier: exchange.codeVerifier,
    client_id: exchange.clientId,
    ...(exchange.clientSecret ? { client_secret: exchange.clientSecret } : {}),
  });
  const { status, json } = await fetchJson(exchange.tokenEndpoint, 'the token answer', deps, {
    ...(signal ? { signal } : {}),
    post: { contentType: 'application/x-www-form-urlencoded', body: Buffer.from(form.toString()) },
    acceptStatuses: [400, 401],
  });
  if (status !== 200 || typeof json.id_token !== 'string') {
    const reason = typeof json.error === 'string' ? json.error.slice(0, 100) : `HTTP ${status}`;
    throw new SignInError('SIGN_IN_TOKEN_REFUSED', `the provider refused the code (${reason})`);
  }
  return json.id_token;
}

export interface IdTokenExpectations {
  /** The provider metadata's issuer (Microsoft's holds `{tenantid}`). */
  issuer: string;
  rules: ClaimRules;
  clientId: string;
  nonce: string;
  keys: JWTVerifyGetKey;
  now: number;
}

/** Asymmetric signatures only: a shared-secret HS256 token could be made by anyone holding the client secret. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_SKEW_SECONDS = 120;

const invalid = (why: string, cause?: unknown) =>
  new SignInError('SIGN_IN_TOKEN_INVALID', `the ID token ${why}`, cause ? { cause } : undefined);

function sameText(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<Claims> {
  let claims: Claims;
  try {
    ({ payload: claims } = await jose.jwtVerify(idToken, expected.keys, {
      audience: expected.clientId,
      algorithms: ALGORITHMS,
      currentDate: new Date(expected.now),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
    }));
  } catch (error) {
    throw invalid('did not verify', error);
  }
  if (!issuerAccepted(expected.rules, expected.issuer, claims)) throw invalid('names another issuer');
  // §3.1.3.7 (4, 5): with more than one audience, the authorized party must be this client.
  if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== expected.clientId)
    throw invalid('was issued to another party');
  if (!sameText(claims.nonce, expected.nonce)) throw invalid('carries another nonce');
  return claims;
}

export interface KeySetLimits {
  /** A set is fetched again at most this often for an unknown key, so tokens naming one cannot make it hammer. */
  refreshMs: number;
  /** A set is kept this long at most: a provider's rotated-out (or compromised) key stops verifying. */
  ttlMs: number;
  /** Sets kept; past it the least recently used goes (discovered providers can name many key sets). */
  maxSets: number;
}

const KEY_SET_LIMITS: KeySetLimits = { refreshMs: 60_000, ttlMs: 3_600_000, maxSets: 1000 };

/** Providers' published keys, kept for an hour, and fetched again when a token names a key not yet seen. */
export class KeySetCache {
  private readonly sets: BoundedCache<string, { keys: JWTVerifyGetKey; fetchedAt: number }>;
  private readonly limits: KeySetLimits;

  constructor(
    private readonly deps: RemoteJsonDeps,
    private readonly now: () => number,
    limits: Partial<KeySetLimits> = {},
  ) {
    this.limits = { ...KEY_SET_LIMITS, ...limits };
    this.sets = new BoundedCache({ maxEntries: this.limits.maxSets });
  }

  /** A key getter that refreshes the cached set once when the token's key is not in it. */
  forUri(jwksUri: string, signal?: AbortSignal): JWTVerifyGetKey {
    return async (header, token) => {
      const cached = this.fresh(jwksUri) ?? (await this.fetch(jwksUri, signal));
      try {
        return await cached.keys(header, token);
      } catch (error) {
        const stale = this.now() - cached.fetchedAt >= this.limits.refreshMs;
        if (!(error instanceof jose.errors.JWKSNoMatchingKey) || !stale) throw error;
        return (await this.fetch(jwksUri, signal)).keys(header, token);
      }
    };
  }

  private fresh(jwksUri: string) {
    const cached = this.sets.get(jwksUri);
    return cached && this.now() - cached.fetchedAt < this.limits.ttlMs ? cached : undefined;
  }

  private async fetch(jwksUri: string, signal?: AbortSignal) {
    const { json } = await fetchJson(jwksUri, 'the provider key set', this.deps, signal ? { signal } : {});
    let keys: JWTVerifyGetKey;
    try {
      keys = jose.createLocalJWKSet(json as unknown as Parameters<typeof jose.createLocalJWKSet>[0]);
    } catch (error) {
      throw new SignInError('SIGN_IN_REMOTE_FAILED', `the key set at ${jwksUri} is not a JWK set`, {
        cause: error,
      });
    }
    const set = { keys, fetchedAt: this.now() };
    this.sets.set(jwksUri, set);
    return set;
  }
}
