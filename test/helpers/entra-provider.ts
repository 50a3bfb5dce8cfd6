/**
 * A real OpenID Connect provider configured like Microsoft Entra ID, for tests: `oidc-provider` in its own Node
 * process (test/helpers/entra-provider.mjs), on an ephemeral port of a loopback address, stopped by `close()` — and
 * by its own hand when this process goes away, since it watches its stdin.
 *
 *   const entra = await startEntraProvider({ tenantId, clientId, resource, scope });
 *   config.auth.entra = entra.serviceSettings;            // what `auth.entra` needs to trust it
 *   const token = await entra.delegatedToken({ oid, preferredUsername: 'ana@example.org', name: 'Ana' });
 *   await entra.close();
 *
 * Tokens are RS256 JWTs with the issuer `http://HOST:PORT/<tenantId>/v2.0`, `aud` = the resource, `tid`, `oid`,
 * `azp` (the client), `ver: "2.0"`; delegated ones carry `scp`, `preferred_username`, `name` (and `roles` when
 * asked); application-only ones carry `idtyp: "app"` and `roles` and no `scp`. Discovery is at
 * `<issuer>/.well-known/openid-configuration`, the keys at `<issuer>/jwks`, and the same public keys in a file
 * (`jwksFileUri`, for `jwksUri: file:…`).
 *
 * The HTTP requests (POST, `Content-Type: application/x-www-form-urlencoded`, to `tokenEndpoint`); the token
 * endpoint answers CORS requests from loopback origins (localhost, 127.x, [::1]) only, so a page in Chromium can
 * call it:
 *
 * - A user's delegated token, standing in for Office's token broker (nested app authentication or Office SSO;
 *   no browser sign-in — the request names the user, which only a test provider may allow):
 *     grant_type=urn:sendguard:test:broker
 *     client_id=<clientId>                       (or one of `otherClients`: the token's azp)
 *     scope=<resource>/<scope>                   (as MSAL asks; or the bare scope name with resource=<resource>)
 *     oid=<user object ID>&preferred_username=<address>&name=<display name>
 *     [roles=<space-separated app roles>] [lifetime=<seconds>] [resource=<another API's URI>]
 *   → 200 `{ access_token, token_type: "Bearer", expires_in, scope }`.
 * - An application-only token (client credentials):
 *     grant_type=client_credentials&client_id=<appClientId>&client_secret=<appClientSecret>&resource=<resource>
 *   → 200 `{ access_token, … }`.
 * Errors are OAuth 2.0 error answers (400 `{ error, error_description }`).
 *
 * With `signIn`, the add-in's client may also sign users in in a browser, as Entra does for the pane's sign-in
 * window: the authorization code flow with PKCE to `signIn.redirectUri` (any loopback port), through
 * oidc-provider's login form (the login is one of `signIn.users`' object IDs, any password) and consent page.
 * MSAL takes only an https authority: `tls: true` serves the provider over HTTPS with a self-signed certificate
 * for its address (a browser must be told to accept it; the service reads the keys from `jwksFileUri`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readyLine, stopChild } from './child-process';

export interface EntraProviderOptions {
  tenantId: string;
  /** The add-in's app registration: the client that may ask delegated tokens. */
  clientId: string;
  /** The API's application ID URI: the default `aud`. */
  resource: string;
  /** The delegated permission asked by default. */
  scope?: string;
  /** Loopback address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** More clients allowed to ask delegated tokens (Office's client IDs, a stranger's app). */
  otherClients?: string[];
  /** The app roles an application-only token carries. */
  appRoles?: string[];
  /** Serve over HTTPS (a self-signed certificate for `host`), as MSAL's browser sign-in requires. */
  tls?: boolean;
  /** Let `clientId` sign these users in in a browser, coming back to `redirectUri` (any loopback port). */
  signIn?: { redirectUri: string; users: EntraUser[] };
}

/** The signed-in user a delegated token is for. */
export interface EntraUser {
  oid: string;
  preferredUsername?: string;
  name?: string;
}

export interface DelegatedTokenOptions {
  /** Space-separated scope names on the resource; default the provider's `scope`. */
  scope?: string;
  /** Another API's URI: the token's `aud`. */
  resource?: string;
  /** The client the token is issued to (`azp`): `clientId` by default, or one of `otherClients`. */
  client?: string;
  /** Default an hour. */
  lifetimeSeconds?: number;
  /** App roles the user holds (`roles`), e.g. the admin role. */
  roles?: string[];
}

export interface EntraProvider {
  tenantId: string;
  clientId: string;
  resource: string;
  scope: string;
  /** `http://HOST:PORT/<tenantId>/v2.0`. */
  issuer: string;
  /** The issuer without `/v2.0`, as MSAL takes it. */
  authority: string;
  /** `<issuer>/jwks`. */
  jwksUri: string;
  /** A `file:` URL of the same public key set. */
  jwksFileUri: string;
  tokenEndpoint: string;
  /** The daemon application of `appOnlyToken` (client credentials). */
  appClientId: string;
  appClientSecret: string;
  /** `auth.entra` for a service that trusts this provider (keys fetched over HTTP from `jwksUri`). */
  serviceSettings: {
    tenantId: string;
    clientId: string;
    issuer: string;
    jwksUri: string;
    audience: string;
    scope: string;
  };
  delegatedToken(user: EntraUser, options?: DelegatedTokenOptions): Promise<string>;
  appOnlyToken(options?: { resource?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A certificate and key (PEM) for `host`, self-signed, for a day. */
function selfSignedTls(dir: string, host: string): { cert: string; key: string } {
  const [certFile, keyFile] = [join(dir, 'tls.crt'), join(dir, 'tls.key')];
  const altName = /^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=${altName}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'pipe' },
  );
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
}

const READY = 'ENTRA_PROVIDER_READY ';

interface Ready {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
}

async function requestToken(tokenEndpoint: string, form: Record<string, string>): Promise<string> {
  const response = await fetch(tokenEndpoint, { method: 'POST', body: new URLSearchParams(form) });
  const body = (await response.json()) as {
    access_token?: string;
    error?: string;
    error_description?: string;
  };
  if (!response.ok || !body.access_token) {
    throw new Error(`the Entra test provider refused a token: ${body.error}: ${body.error_description}`);
  }
  return body.access_token;
}

export async function startEntraProvider(options: EntraProviderOptions): Promise<EntraProvider> {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-entra-'));
  const jwksFile = join(dir, 'jwks.json');
  const scope = options.scope ?? 'access_as_user';
  const host = options.host ?? '127.0.0.1';
  const settings = {
    host,
    tenantId: options.tenantId,
    clientId: options.clientId,
    resource: options.resource,
    scope,
    appClientId: randomUUID(),
    appClientSecret: randomUUID(),
    appRoles: options.appRoles ?? ['Mail.Send'],
    otherClients: options.otherClients ?? [],
    jwksFile,
    ...(options.tls ? { tls: selfSignedTls(dir, host) } : {}),
    ...(options.signIn ? { signIn: options.signIn } : {}),
  };
  const child = spawn(process.execPath, [join(__dirname, 'entra-provider.mjs'), JSON.stringify(settings)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let ready: Ready;
  try {
    ready = await readyLine<Ready>(child, READY, 'the Entra test provider');
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { issuer, jwksUri, tokenEndpoint } = ready;
  return {
    tenantId: options.tenantId,
    clientId: options.clientId,
    resource: options.resource,
    scope,
    issuer,
    authority: issuer.slice(0, -'/v2.0'.length),
    jwksUri,
    jwksFileUri: pathToFileURL(jwksFile).href,
    tokenEndpoint,
    appClientId: settings.appClientId,
    appClientSecret: settings.appClientSecret,
    serviceSettings: {
      tenantId: options.tenantId,
      clientId: options.clientId,
      issuer,
      jwksUri,
      audience: options.resource,
      scope,
    },
    delegatedToken: (user, asked = {}) =>
      requestToken(tokenEndpoint, {
        grant_type: 'urn:sendguard:test:broker',
        client_id: asked.client ?? options.clientId,
        scope: asked.scope ?? scope,
        resource: asked.resource ?? options.resource,
        oid: user.oid,
        ...(user.preferredUsername !== undefined ? { preferred_username: user.preferredUsername } : {}),
        ...(user.name !== undefined ? { name: user.name } : {}),
        ...(asked.roles ? { roles: asked.roles.join(' ') } : {}),
        ...(asked.lifetimeSeconds !== undefined ? { lifetime: String(asked.lifetimeSeconds) } : {}),
      }),
    appOnlyToken: (asked = {}) =>
      requestToken(tokenEndpoint, {
        grant_type: 'client_credentials',
        client_id: settings.appClientId,
        client_secret: settings.appClientSecret,
        resource: asked.resource ?? options.resource,
      }),
    close: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
