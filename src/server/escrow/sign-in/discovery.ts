/**
 * OpenID Connect Discovery §4 (a provider's metadata) and Dynamic Client Registration (RFC 7591): parsers of
 * what the provider sends, and the fetches.
 */
import { SignInError } from './errors';
import { fetchJson, type JsonObject, type RemoteJsonDeps } from './remote-json';
import { httpsUrl } from './webfinger';

export interface ProviderMetadata {
  /** As the provider names itself; Microsoft's multi-tenant one holds `{tenantid}`. */
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  registrationEndpoint?: string;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
}

const invalid = (what: string) => new SignInError('SIGN_IN_REMOTE_FAILED', what);

function requiredUrl(json: JsonObject, field: string): string {
  const url = httpsUrl(json[field]);
  if (!url) throw invalid(`the provider metadata has no https ${field}`);
  return url;
}

/**
 * OpenID Connect Discovery §4.3: the metadata must name the issuer it was asked for. A provider that says it
 * cannot do PKCE with S256 is refused.
 */
export function parseMetadata(json: JsonObject, issuer: string): ProviderMetadata {
  if (json.issuer !== issuer) throw invalid(`the provider metadata names another issuer than ${issuer}`);
  const methods = json.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256'))
    throw invalid(`${issuer} does not support PKCE with S256`);
  const registration = httpsUrl(json.registration_endpoint);
  return {
    issuer,
    authorizationEndpoint: requiredUrl(json, 'authorization_endpoint'),
    tokenEndpoint: requiredUrl(json, 'token_endpoint'),
    jwksUri: requiredUrl(json, 'jwks_uri'),
    ...(registration ? { registrationEndpoint: registration } : {}),
  };
}

export function metadataUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * The metadata of `issuer`. `expectedIssuer` is what the document must name, when not the issuer itself
 * (Microsoft's `common` authority names `{tenantid}`).
 */
export async function fetchMetadata(
  issuer: string,
  deps: RemoteJsonDeps,
  signal?: AbortSignal,
  expectedIssuer = issuer,
): Promise<ProviderMetadata> {
  const { json } = await fetchJson(
    metadataUrl(issuer),
    'the provider metadata',
    deps,
    signal ? { signal } : {},
  );
  return parseMetadata(json, expectedIssuer);
}

/** RFC 7591 §3.2.1: the client the provider registered. */
export function parseRegistration(json: JsonObject): RegisteredClient {
  const { client_id: clientId, client_secret: clientSecret } = json;
  if (typeof clientId !== 'string' || clientId === '' || clientId.length > 1024)
    throw invalid('the client registration answer has no client_id');
  return {
    clientId,
    ...(typeof clientSecret === 'string' && clientSecret !== '' ? { clientSecret } : {}),
  };
}

/** Registers the service as a web client whose one redirect URI is the sign-in callback. */
export async function registerClient(
  registrationEndpoint: string,
  redirectUri: string,
  deps: RemoteJsonDeps,
  signal?: AbortSignal,
): Promise<RegisteredClient> {
  const request = {
    client_name: 'Sendguard secure pickup',
    application_type: 'web',
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_post',
    scope: 'openid email',
  };
  const { json } = await fetchJson(registrationEndpoint, 'the client registration answer', deps, {
    ...(signal ? { signal } : {}),
    post: { contentType: 'application/json', body: Buffer.from(JSON.stringify(request)) },
    acceptStatuses: [201],
  });
  return parseRegistration(json);
}
