/**
 * A real OpenID Connect provider (`oidc-provider`) configured like Microsoft Entra ID, run as its own Node process
 * (oidc-provider is ESM only; jest's CommonJS runtime does not load it well). Started and stopped by
 * test/helpers/entra-provider.ts; read that file's header for the HTTP requests it answers.
 *
 * Usage: node entra-provider.mjs '<settings JSON>'. Settings: { host, tenantId, clientId, resource, scope,
 * appClientId, appClientSecret, appRoles, otherClients, jwksFile, tls, signIn }. It listens on an ephemeral port
 * of `host` (over HTTPS with `tls: { cert, key }`, PEM: MSAL takes only an https authority), writes its public
 * signing keys to `jwksFile` and prints one line `ENTRA_PROVIDER_READY {issuer, jwksUri, tokenEndpoint}` on
 * stdout when it answers.
 *
 * `signIn: { redirectUri, users }` lets `clientId` sign users in in a browser as well, as the add-in's sign-in
 * window does with Entra: the authorization code flow with PKCE (a public client), the login form of
 * oidc-provider's development interactions (any password; the login is a user's object ID from `users`, each
 * `{ oid, preferredUsername, name }`) and its consent page. Entra matches the registered SPA redirect URI
 * exactly; the service's port is only known after this provider started, so the URI is registered as RFC 8252
 * §7.3 allows a native client's loopback URI: any port.
 *
 * Like Entra: RS256 signatures; the issuer `http://HOST:PORT/<tenantId>/v2.0` (the tenant in the path, discovery
 * under it); access tokens are JWTs for the requested resource (`aud` = the resource URI) with `tid`, `oid`,
 * `azp`, `ver: "2.0"`, and either `scp` + `preferred_username` + `name` (delegated) or `idtyp: "app"` + `roles`
 * and no `scp` (application-only).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import process from 'node:process';
import { URL } from 'node:url';
import Provider, { errors } from 'oidc-provider';

/**
 * Stands in for Office's token broker (nested app authentication, Office SSO): the client names the signed-in
 * user instead of going through a browser sign-in. Test only — it proves nothing about the user.
 */
const BROKER_GRANT = 'urn:sendguard:test:broker';
const BROKER_PARAMS = ['scope', 'resource', 'oid', 'preferred_username', 'name', 'roles', 'lifetime'];
const DEFAULT_LIFETIME_SECONDS = 3600;

const settings = JSON.parse(process.argv[2] ?? '{}');

function signingKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const common = { kid, alg: 'RS256', use: 'sig' };
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), ...common },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), ...common },
  };
}

/** Browser pages of the tests (Chromium) call the token endpoint from loopback origins only. */
function isLoopbackOrigin(origin) {
  const host = URL.parse(origin)?.hostname;
  return host === 'localhost' || host === '[::1]' || (host?.startsWith('127.') ?? false);
}

/** `api://host/client/access_as_user` → the resource and the scope name, as Entra reads a requested scope. */
function splitScope(requested) {
  const slash = requested.lastIndexOf('/');
  return requested.includes('://') && slash > 0
    ? { resource: requested.slice(0, slash), name: requested.slice(slash + 1) }
    : { resource: undefined, name: requested };
}

/** Any resource is a resource server here: a test asks tokens for other APIs to see them refused. */
function resourceServerInfo(resource, scope, lifetime = DEFAULT_LIFETIME_SECONDS) {
  return {
    audience: resource,
    scope,
    accessTokenFormat: 'jwt',
    accessTokenTTL: lifetime,
    jwt: { sign: { alg: 'RS256' } },
  };
}

/** The broker grant: a delegated token for the user the request names, for the resource and scopes it asks. */
function brokerGrant(provider) {
  return async (ctx) => {
    const { client, params } = ctx.oidc;
    if (!params.oid) throw new errors.InvalidRequest('oid (the user object ID) is required');
    const split = (params.scope ?? '').split(' ').filter(Boolean).map(splitScope);
    const resource = params.resource ?? split.find((s) => s.resource)?.resource ?? settings.resource;
    const scope = split.map((s) => s.name).join(' ');
    if (!scope) throw new errors.InvalidScope('a delegated token needs a scope');
    const lifetime = params.lifetime ? Number(params.lifetime) : DEFAULT_LIFETIME_SECONDS;
    const token = new provider.AccessToken({
      client,
      accountId: params.oid,
      scope,
      gty: BROKER_GRANT,
      expiresIn: lifetime,
      resourceServer: new provider.ResourceServer(resource, resourceServerInfo(resource, scope, lifetime)),
    });
    ctx.oidc.entity('AccessToken', token);
    const value = await token.save();
    ctx.body = { access_token: value, token_type: 'Bearer', expires_in: token.expiration, scope };
  };
}

/** The user a browser sign-in names by object ID (`signIn.users`). */
function signInUser(oid) {
  return settings.signIn?.users.find((user) => user.oid === oid);
}

/** Who a delegated token is for: named by the broker grant's request, or signed in in the browser. */
function tokenUser(ctx, token) {
  const { params } = ctx.oidc;
  if (token.gty === BROKER_GRANT) {
    const roles = params.roles?.split(' ').filter(Boolean);
    return { oid: params.oid, preferredUsername: params.preferred_username, name: params.name, roles };
  }
  return signInUser(token.accountId) ?? { oid: token.accountId };
}

/** Rewrites oidc-provider's RFC 9068 claims into Entra's v2.0 access token claims. */
function entraClaims(ctx, token, jwt) {
  const { payload } = jwt;
  const { client_id: clientId, scope } = payload;
  delete payload.client_id;
  delete payload.scope;
  Object.assign(payload, { azp: clientId, tid: settings.tenantId, ver: '2.0' });
  if (token.kind === 'ClientCredentials') {
    // The application's service principal: Entra names it in oid and sub.
    Object.assign(payload, { idtyp: 'app', roles: settings.appRoles, oid: clientId, sub: clientId });
    return;
  }
  const user = tokenUser(ctx, token);
  // scp holds scope names, as Entra's does, whether asked by name or as `<resource>/<name>`.
  const scp = (scope ?? '')
    .split(' ')
    .filter(Boolean)
    .map((asked) => splitScope(asked).name);
  Object.assign(payload, { scp: scp.join(' '), oid: user.oid, sub: user.oid });
  if (user.preferredUsername) payload.preferred_username = user.preferredUsername;
  if (user.name) payload.name = user.name;
  if (user.roles) payload.roles = user.roles;
}

/** The add-in's client: the broker grant, and where `signIn` says so the browser sign-in too. */
function addinClient() {
  const { signIn } = settings;
  if (!signIn) return publicClient(settings.clientId);
  return {
    ...publicClient(settings.clientId),
    application_type: 'native',
    grant_types: [BROKER_GRANT, 'authorization_code'],
    response_types: ['code'],
    redirect_uris: [signIn.redirectUri],
  };
}

function publicClient(clientId) {
  return {
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: [BROKER_GRANT],
    response_types: [],
    redirect_uris: [],
  };
}

/** The browser sign-in's accounts: the users `signIn` names, with the claims their ID tokens carry. */
async function findAccount(_ctx, oid) {
  const user = signInUser(oid);
  if (!user) return undefined;
  return {
    accountId: oid,
    claims: async () => ({
      sub: oid,
      oid,
      tid: settings.tenantId,
      preferred_username: user.preferredUsername,
      name: user.name,
    }),
  };
}

function configuration(privateJwk, mount) {
  return {
    jwks: { keys: [privateJwk] },
    findAccount,
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'oid', 'tid'] },
    scopes: ['openid', 'profile', 'offline_access'],
    // The login and consent pages live under the mount, as every other route of this provider.
    interactions: { url: (_ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
    clients: [
      addinClient(),
      ...settings.otherClients.map(publicClient),
      {
        client_id: settings.appClientId,
        client_secret: settings.appClientSecret,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    features: {
      devInteractions: { enabled: Boolean(settings.signIn) },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => settings.resource,
        useGrantedResource: () => true,
        // The scope a browser sign-in asks, as MSAL names it (`<resource>/<scope>`); application-only tokens ask
        // none and carry none: the app's roles say what it may do.
        getResourceServerInfo: (_ctx, resource) =>
          resourceServerInfo(resource, `${resource}/${settings.scope}`),
      },
    },
    formats: { customizers: { jwt: entraClaims } },
    clientBasedCORS: (_ctx, origin) => isLoopbackOrigin(origin),
  };
}

async function main() {
  const { privateJwk, publicJwk } = signingKeys();
  writeFileSync(settings.jwksFile, JSON.stringify({ keys: [publicJwk] }));
  let handle = (_request, response) => response.writeHead(503).end();
  const listener = (request, response) => handle(request, response);
  const server = settings.tls ? createTlsServer(settings.tls, listener) : createServer(listener);
  await new Promise((resolve) => server.listen(0, settings.host, resolve));
  const mount = `/${settings.tenantId}/v2.0`;
  const scheme = settings.tls ? 'https' : 'http';
  const issuer = `${scheme}://${settings.host}:${server.address().port}${mount}`;
  const provider = new Provider(issuer, configuration(privateJwk, mount));
  provider.registerGrantType(BROKER_GRANT, brokerGrant(provider), BROKER_PARAMS);
  const callback = provider.callback();
  handle = (request, response) => {
    if (request.url !== mount && !request.url.startsWith(`${mount}/`)) return response.writeHead(404).end();
    // As a framework mounting it would: the original URL tells oidc-provider where it is mounted.
    request.originalUrl = request.url;
    request.url = request.url.slice(mount.length) || '/';
    return callback(request, response);
  };
  const ready = { issuer, jwksUri: `${issuer}/jwks`, tokenEndpoint: `${issuer}/token` };
  process.stdout.write(`ENTRA_PROVIDER_READY ${JSON.stringify(ready)}\n`);
  // The parent's end is this process's end: a test runner that dies must not leave a provider behind.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
