/**
 * Entra-shaped access tokens made by hand, for the attacks a provider would never sign: HMAC keyed with the
 * public key, `alg: none`, unknown key IDs, keys outside the published set, and claims of every wrong kind.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export const TENANT = '11111111-2222-3333-4444-555555555555';
export const CLIENT = '99999999-8888-7777-6666-555555555555';
export const AUDIENCE = `api://sendguard.example.org/${CLIENT}`;
export const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK for a key set. */
  jwk: Record<string, unknown>;
}

export function signingKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicKey, jwk };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** What Entra puts in a v2.0 delegated access token for the add-in, valid for an hour from `now` (ms). */
export function delegatedClaims(now = Date.now()): Record<string, unknown> {
  const seconds = Math.floor(now / 1000);
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    tid: TENANT,
    oid: randomUUID(),
    sub: 'pairwise-subject',
    azp: CLIENT,
    scp: 'access_as_user',
    ver: '2.0',
    name: 'Ana Example',
    preferred_username: 'ana@example.org',
    iat: seconds,
    nbf: seconds - 10,
    exp: seconds + 3600,
  };
}

interface CraftOptions {
  /** Claims over `delegatedClaims()`; `undefined` removes one. */
  claims?: Record<string, unknown>;
  key?: SigningKey;
  /** The header's kid; the key's own by default. */
  kid?: string;
  alg?: 'RS256' | 'HS256' | 'none';
  now?: number;
}

/** RS256 with the key; HS256 keyed with the key's *public* PEM (algorithm confusion); `none` unsigned. */
export function craftToken(key: SigningKey, options: CraftOptions = {}): string {
  const alg = options.alg ?? 'RS256';
  const header = b64({ alg, typ: 'JWT', kid: options.kid ?? key.kid });
  const payload = b64({ ...delegatedClaims(options.now), ...options.claims });
  const input = `${header}.${payload}`;
  if (alg === 'none') return `${input}.`;
  const signature =
    alg === 'HS256'
      ? createHmac('sha256', key.publicKey.export({ format: 'pem', type: 'spki' }))
          .update(input)
          .digest()
      : sign('sha256', Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString('base64url')}`;
}
