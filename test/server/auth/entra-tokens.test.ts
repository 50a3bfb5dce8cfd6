/**
 * The assembled service (`createServer`, as `sendguard serve` runs it) over HTTPS with `auth.entra` set and its
 * keys read from a local key set (`jwksUri: file:…`), sent hand-made tokens: the one a user's add-in holds is let
 * in; every other kind — each attack on the signature, each wrong claim — gets 401 with the same answer.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { entraKeySet } from '../../../src/server/auth/entra-keys';
import { parseConfig } from '../../../src/server/config/load';
import { createServer, type Server } from '../../../src/server/serve';
import { ManualClock } from '../../helpers/clock';
import { httpsJson } from '../../helpers/https-json';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';
import { AUDIENCE, CLIENT, ISSUER, TENANT, craftToken, signingKey } from './crafted-tokens';

const published = signingKey('published-key');
const rotated = signingKey('rotated-key');
const outsider = signingKey('outsider-key');
const OTHER_TENANT = '99999999-2222-3333-4444-555555555555';
const hour = 3600;
const now = () => Math.floor(Date.now() / 1000);

let server: Server;
let base: string;
let ca: string;
let keySetFile: string;
/** The service's log: the only place that says why a token was refused. */
const log: string[] = [];
/** The service's clock: it stands still, so that the key file's reload cooldown passes only when a test says so. */
const clock = new ManualClock(Date.now());

beforeAll(async () => {
  const dataDir = scratchDir('entra');
  keySetFile = join(dataDir, 'jwks.json');
  await writeFile(keySetFile, JSON.stringify({ keys: [published.jwk] }));
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'https://sendguard.example.org',
    dataDir,
    logLevel: 'info',
    auth: {
      apiTokens: false,
      entra: {
        tenantId: TENANT,
        clientId: CLIENT,
        audience: AUDIENCE,
        issuer: ISSUER,
        jwksUri: pathToFileURL(keySetFile).href,
      },
    },
  });
  server = await createServer(config, { clock, logStream: { write: (line) => void log.push(line) } });
  stopAtFileEnd(server.close);
  base = (await server.app.listen({ host: '127.0.0.1', port: 0 })).replace('127.0.0.1', 'localhost');
  ca = await readFile(server.devCaFile!, 'utf8');
}, 60_000);

const me = (token: string) =>
  httpsJson(`${base}/api/v1/me`, { ca, headers: { authorization: `Bearer ${token}` } });

const lastRefusal = () =>
  log
    .map((line) => JSON.parse(line).authFailure)
    .filter(Boolean)
    .at(-1);

async function expectRefused(token: string, reason: RegExp) {
  log.length = 0;
  const response = await me(token);
  expect(lastRefusal()).toMatch(reason);
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Bearer');
  // Nothing in the answer says which check failed: that would tell a forger what to fix.
  expect(response.body).toEqual({
    error: { code: 'AUTH_INVALID', message: 'the bearer token is not valid' },
  });
}

test('a user’s delegated token for the scope gets 200 and names the user', async () => {
  const response = await me(craftToken(published, { claims: { oid: 'user-oid' } }));
  expect(response.status).toBe(200);
  expect(response.body).toEqual({
    kind: 'entra',
    subject: 'user-oid',
    name: 'Ana Example',
    address: 'ana@example.org',
    tenant: TENANT,
    roles: ['sender'],
  });
});

describe('the signature', () => {
  test('HS256 keyed with the public key (algorithm confusion) gets 401', () =>
    expectRefused(craftToken(published, { alg: 'HS256' }), /ERR_JOSE_ALG_NOT_ALLOWED/));
  test('alg: none gets 401', () =>
    expectRefused(craftToken(published, { alg: 'none' }), /ERR_JOSE_ALG_NOT_ALLOWED/));
  test('an unknown key ID gets 401', () => expectRefused(craftToken(outsider), /ERR_JWKS_NO_MATCHING_KEY/));
  test('a key outside the set, under the ID of one in it, gets 401', () =>
    expectRefused(craftToken(outsider, { kid: published.kid }), /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/));
  test('a tampered payload gets 401', async () => {
    const [header, payload, signature] = craftToken(published).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, oid: 'someone-else' })).toString('base64url');
    await expectRefused(`${header}.${forged}.${signature}`, /ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
  });
});

describe('the claims', () => {
  const stranger = 'abcdefab-cdef-4abc-8def-abcdefabcdef';
  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an application-only token (idtyp: app, roles, no scp)',
      { idtyp: 'app', scp: undefined, roles: ['Mail.Send'] },
      /application-only token \(idtyp: app\)/,
    ],
    [
      'a token with only roles and no scp',
      { scp: undefined, roles: ['Mail.Send'] },
      /application-only token \(no scp\)/,
    ],
    ['idtyp: app even with a scope', { idtyp: 'app' }, /idtyp: app/],
    ['another API’s scope', { scp: 'Mail.Read User.Read' }, /lacks the scope access_as_user/],
    ['a scope that merely contains the name', { scp: 'access_as_user_extended' }, /lacks the scope/],
    [
      'a wrong audience',
      { aud: 'api://another-api.example.org/app' },
      /ERR_JWT_CLAIM_VALIDATION_FAILED.*"aud"/,
    ],
    [
      'another tenant (its issuer and tid)',
      { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT },
      /ERR_JWT_CLAIM_VALIDATION_FAILED.*"iss"/,
    ],
    ['another tenant, this issuer', { tid: OTHER_TENANT }, /another tenant/],
    ['no tenant', { tid: undefined }, /"tid"/],
    ['an expired token', { exp: now() - hour, nbf: now() - 2 * hour }, /ERR_JWT_EXPIRED/],
    ['a token not yet valid', { nbf: now() + hour }, /"nbf"/],
    [
      'a token issued to another client application',
      { azp: stranger },
      /client application abcdefab.* not accepted/,
    ],
    ['a token naming no client application', { azp: undefined }, /names no client application/],
    ['a token naming no user (no oid)', { oid: undefined }, /"oid"/],
  ])('%s gets 401', (_name, claims, reason) => expectRefused(craftToken(published, { claims }), reason));

  test('the scope among others in scp gets 200', async () => {
    expect((await me(craftToken(published, { claims: { scp: 'User.Read access_as_user' } }))).status).toBe(
      200,
    );
  });

  // The clients Microsoft lists for pre-authorisation in Office single sign-on, written out here so that a
  // client dropped from the defaults fails this test.
  test.each([
    ['all Microsoft Office application endpoints', 'ea5a67f6-b6f3-4338-b240-c655ddc3cc8e'],
    ['Microsoft Office', 'd3590ed6-52b3-4102-aeff-aad2292ab01c'],
    ['Office on the web', '93d53678-613d-4013-afc1-62e9e444a0a5'],
    ['Office on the web', '57fb890c-0dab-4253-a5e0-7188c88b2bb4'],
    ['Office on the web', '08e18876-6177-487e-b8b5-cf950c1e598c'],
    ['Outlook on the web', 'bc59ab01-8403-45c6-8796-ac3ef710b3e3'],
  ])('Office single sign-on: a token for the add-in with azp = %s (%s) gets 200', async (_client, azp) => {
    expect((await me(craftToken(published, { claims: { azp } }))).status).toBe(200);
  });

  // The app registration is told to issue v2.0 tokens (accessTokenAcceptedVersion 2); the log says so when not.
  test.each<[string, Record<string, unknown>]>([
    [
      'a v1.0 token as Entra issues it (its own issuer, appid, upn)',
      { iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0', azp: undefined, appid: CLIENT },
    ],
    ['a v1.0 token under the v2.0 issuer', { ver: '1.0', azp: undefined, appid: CLIENT }],
  ])('%s gets 401, naming the setting to fix', (_name, claims) =>
    expectRefused(
      craftToken(published, { claims: { ...claims, preferred_username: undefined, upn: 'ana@example.org' } }),
      /^v1\.0 token: set accessTokenAcceptedVersion to 2$/,
    ),
  );

  test('a client named only in appid is no client: v2.0 tokens name it in azp', () =>
    expectRefused(
      craftToken(published, { claims: { azp: undefined, appid: CLIENT } }),
      /names no client application \(azp\)/,
    ));

  describe('the sender’s address: the user principal name, nothing unverified', () => {
    const addressOf = async (claims: Record<string, unknown>) => {
      const response = await me(craftToken(published, { claims }));
      expect(response.status).toBe(200);
      return response.body.address;
    };
    test('upn when there is no preferred_username', async () => {
      expect(await addressOf({ preferred_username: undefined, upn: 'Ana@Example.org' })).toBe(
        'ana@example.org',
      );
    });
    test('never email, which Entra does not verify for every account', async () => {
      expect(await addressOf({ preferred_username: undefined, email: 'ceo@example.org' })).toBeUndefined();
    });
    test('none for a guest (acct: 1), whatever the token names', async () => {
      expect(await addressOf({ acct: 1, upn: 'bo_partner.test#EXT#@example.org' })).toBeUndefined();
    });
    test('a member (acct: 0) has one', async () => {
      expect(await addressOf({ acct: 0 })).toBe('ana@example.org');
    });
  });

  test('a name that could pass for an address or hides characters is left out; the address stays', async () => {
    for (const name of ['CEO <ceo@bank.test>', 'Ana \u202Egnp.exe', 'Ana\nExample', 'x'.repeat(129)]) {
      const response = await me(craftToken(published, { claims: { name } }));
      expect(response.status).toBe(200);
      expect(response.body.name).toBeUndefined();
      expect(response.body.address).toBe('ana@example.org');
    }
  });

  test('a name that is not an address leaves the caller without one', async () => {
    const response = await me(craftToken(published, { claims: { preferred_username: 'ana' } }));
    expect(response.status).toBe(200);
    expect(response.body.address).toBeUndefined();
  });
});

test('keys rotated into the file are picked up for a key ID not seen before, without a restart, after the 30-second cooldown', async () => {
  const token = craftToken(rotated);
  await expectRefused(token, /ERR_JWKS_NO_MATCHING_KEY/);
  await writeFile(keySetFile, JSON.stringify({ keys: [published.jwk, rotated.jwk] }));
  await expectRefused(token, /ERR_JWKS_NO_MATCHING_KEY/);
  clock.advance(30_000);
  expect((await me(token)).status).toBe(200);
});

test('a key set file that is missing or not a key set stops the service at start, naming the file', async () => {
  const broken = join(scratchDir('entra'), 'jwks.json');
  await writeFile(broken, '{"keys": "none"}');
  for (const file of [broken, `${broken}.missing`]) {
    expect(() => entraKeySet(pathToFileURL(file).href)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: `auth.entra.jwksUri: ${file} is not a readable JSON Web Key Set`,
      }),
    );
  }
});
