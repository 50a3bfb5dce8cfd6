/**
 * OpenID Connect Core §3.1.3.7: the ID token checks before any claim is read — signature by the provider's keys,
 * issuer (Microsoft's filled in with the token's tid), audience and authorized party, lifetime, nonce. Tokens are
 * made here with jose and a key of the test's own.
 */
import { jose } from '../../src/server/auth/jose';
import type { ClaimRules } from '../../src/server/escrow/sign-in/claims';
import {
  KeySetCache,
  verifyIdToken,
  type IdTokenExpectations,
} from '../../src/server/escrow/sign-in/id-token';
import type { HttpsGet } from '../../src/server/net/https-get';

const ISSUER = 'https://idp.clinic.example';
const CLIENT = 'sendguard-client';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = Date.UTC(2026, 11, 7, 5, 0, 0);

let privateKey: CryptoKey;
let publicKey: CryptoKey;
let keys: ReturnType<typeof jose.createLocalJWKSet>;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const pair = await jose.generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  keys = jose.createLocalJWKSet({
    keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }],
  });
  strangerKey = (await jose.generateKeyPair('RS256')).privateKey;
});

interface TokenShape {
  claims?: Record<string, unknown>;
  key?: CryptoKey;
  kid?: string;
  issuedAt?: number;
  expiresAt?: number;
}

async function token({
  claims = {},
  key = privateKey,
  kid = 'k1',
  issuedAt = NOW,
  expiresAt = NOW + 600_000,
}: TokenShape = {}) {
  const payload = {
    iss: ISSUER,
    sub: 'ana',
    aud: CLIENT,
    iat: Math.floor(issuedAt / 1000),
    exp: Math.floor(expiresAt / 1000),
    nonce: NONCE,
    email: 'ana@clinic.example',
    email_verified: true,
    ...claims,
  };
  return new jose.SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
}

const expect_ = { issuer: ISSUER, rules: 'generic' as ClaimRules, clientId: CLIENT, nonce: NONCE, now: NOW };
const verify = (idToken: string, overrides: Partial<IdTokenExpectations> = {}) =>
  verifyIdToken(idToken, { ...expect_, keys, ...overrides });

test('a token from the provider, for this client, with this nonce: its claims', async () => {
  const claims = await verify(await token());
  expect(claims).toMatchObject({ iss: ISSUER, sub: 'ana', email: 'ana@clinic.example', nonce: NONCE });
});

test.each([
  ['another nonce (§3.1.3.7 11)', { claims: { nonce: 'replayed' } }],
  ['no nonce', { claims: { nonce: undefined } }],
  ['another issuer (§3.1.3.7 2)', { claims: { iss: 'https://evil.example' } }],
  ['another audience (§3.1.3.7 3)', { claims: { aud: 'someone-else' } }],
  ['several audiences and azp another client (§3.1.3.7 4, 5)', { claims: { aud: [CLIENT, 'x'], azp: 'x' } }],
  ['expired (§3.1.3.7 9)', { issuedAt: NOW - 7_200_000, expiresAt: NOW - 3_600_000 }],
  ['signed by a key the provider never published', { key: undefined, stranger: true }],
])('refused: %s', async (_name, shape) => {
  const { stranger, ...rest } = shape as TokenShape & { stranger?: boolean };
  const idToken = await token({ ...rest, ...(stranger ? { key: strangerKey } : {}) });
  await expect(verify(idToken)).rejects.toMatchObject({ code: 'SIGN_IN_TOKEN_INVALID' });
});

test('refused: a token signed with a shared secret (HS256), even one the verifier might hold', async () => {
  const secret = new TextEncoder().encode('the client secret the provider and the service share');
  const idToken = await new jose.SignJWT({ nonce: NONCE })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject('ana')
    .setAudience(CLIENT)
    .setIssuedAt(NOW / 1000)
    .setExpirationTime(NOW / 1000 + 600)
    .sign(secret);
  await expect(verify(idToken)).rejects.toMatchObject({ code: 'SIGN_IN_TOKEN_INVALID' });
});

test("Microsoft: the issuer must be the template filled in with the token's own tid", async () => {
  const tid = '4a1f0c5e-9d2b-4c7e-8f00-123456789abc';
  const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';
  const own = await token({ claims: { tid, iss: `https://login.microsoftonline.com/${tid}/v2.0` } });
  await expect(verify(own, { issuer: template, rules: 'microsoft' })).resolves.toMatchObject({ tid });
  const other = await token({
    claims: { tid, iss: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0' },
  });
  await expect(verify(other, { issuer: template, rules: 'microsoft' })).rejects.toMatchObject({
    code: 'SIGN_IN_TOKEN_INVALID',
  });
});

test("only Microsoft's rules fill {tenantid} in: another issuer's template is no wildcard", async () => {
  const tid = '4a1f0c5e-9d2b-4c7e-8f00-123456789abc';
  const template = `${ISSUER}/{tenantid}`;
  const filled = await token({ claims: { tid, iss: `${ISSUER}/${tid}` } });
  await expect(verify(filled, { issuer: template, rules: 'generic' })).rejects.toMatchObject({
    code: 'SIGN_IN_TOKEN_INVALID',
  });
  await expect(verify(filled, { issuer: template, rules: 'google' })).rejects.toMatchObject({
    code: 'SIGN_IN_TOKEN_INVALID',
  });
});

test("Google: its tokens may name the issuer without https://, and only Google's may", async () => {
  const google = 'https://accounts.google.com';
  const bare = await token({ claims: { iss: 'accounts.google.com' } });
  await expect(verify(bare, { issuer: google, rules: 'google' })).resolves.toMatchObject({
    iss: 'accounts.google.com',
  });
  await expect(verify(bare, { issuer: google, rules: 'generic' })).rejects.toMatchObject({
    code: 'SIGN_IN_TOKEN_INVALID',
  });
  const elsewhere = await token({ claims: { iss: 'idp.clinic.example' } });
  await expect(verify(elsewhere, { issuer: ISSUER, rules: 'google' })).rejects.toMatchObject({
    code: 'SIGN_IN_TOKEN_INVALID',
  });
});

describe('the key set cache', () => {
  const JWKS_URI = 'https://idp.clinic.example/jwks';

  async function cacheWith(limits: { ttlMs?: number; maxSets?: number } = {}) {
    let now = NOW;
    const fetched: string[] = [];
    const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const httpsGet: HttpsGet = async (url) => {
      fetched.push(url);
      return {
        status: 200,
        headers: {},
        body: Buffer.from(JSON.stringify({ keys: [publicJwk] })),
        address: '',
      };
    };
    const deps = {
      network: { resolveAddresses: async () => [], allowPrivateAddresses: false },
      httpsGet,
      maxBytes: 65_536,
      timeoutMs: 5000,
    };
    const cache = new KeySetCache(deps, () => now, limits);
    return { cache, fetched, advance: (ms: number) => (now += ms) };
  }

  test('a key set is fetched again once it is an hour old, even when the token names a key it holds', async () => {
    const { cache, fetched, advance } = await cacheWith();
    const idToken = await token();
    await verify(idToken, { keys: cache.forUri(JWKS_URI) });
    advance(3_599_000);
    await verify(idToken, { keys: cache.forUri(JWKS_URI) });
    expect(fetched).toHaveLength(1);
    advance(2000);
    await verify(idToken, { keys: cache.forUri(JWKS_URI) });
    expect(fetched).toHaveLength(2);
  });

  test('it keeps a bounded number of key sets: past the bound the oldest is fetched again', async () => {
    const { cache, fetched } = await cacheWith({ maxSets: 2 });
    const idToken = await token();
    for (const n of [1, 2, 3, 1]) await verify(idToken, { keys: cache.forUri(`${JWKS_URI}/${n}`) });
    expect(fetched).toEqual([1, 2, 3, 1].map((n) => `${JWKS_URI}/${n}`));
  });
});
