/**
 * Entra sign-in settings with their defaults filled in from the deployment: the token audience is named after the
 * public URL, which only the loaded configuration knows, so the schema leaves it open and this completes it. The
 * verifier, the manifests and the add-in's sign-in settings all read this one resolved form.
 */
import { pathToFileURL } from 'node:url';
import type { EntraSettings } from './schema';

const LOGIN = 'https://login.microsoftonline.com';

/**
 * Microsoft Office's own client applications, which ask Entra for the add-in's token in Office single sign-on
 * (`Office.auth.getAccessToken`): such a token's `azp` is the Office client, not the add-in. These are the clients
 * Microsoft tells add-in publishers to pre-authorise. Pre-authorising the first one (all Office endpoints) in
 * Entra covers the others, but a token still names the client that asked for it, so all of them are accepted.
 */
export const OFFICE_CLIENT_APPLICATIONS = [
  // All Microsoft Office application endpoints.
  'ea5a67f6-b6f3-4338-b240-c655ddc3cc8e',
  // Microsoft Office: Outlook on Windows and Mac, and the other Office desktop apps.
  'd3590ed6-52b3-4102-aeff-aad2292ab01c',
  // Office on the web.
  '93d53678-613d-4013-afc1-62e9e444a0a5',
  // Office on the web.
  '57fb890c-0dab-4253-a5e0-7188c88b2bb4',
  // Office on the web.
  '08e18876-6177-487e-b8b5-cf950c1e598c',
  // Outlook on the web.
  'bc59ab01-8403-45c6-8796-ac3ef710b3e3',
] as const;

export interface ResolvedEntra extends Omit<EntraSettings, 'audience' | 'clientApplications'> {
  issuer: string;
  jwksUri: string;
  /** The application ID URI of the API: what the manifests name as the resource and the add-in asks a token for. */
  resource: string;
  /** Every value of `aud` accepted: `resource` first. */
  audience: string[];
  /** Every `azp` accepted. */
  clientApplications: string[];
}

/** `api://<host of publicUrl>/<clientId>`, the application ID URI Office single sign-on requires. */
export function defaultResource(publicUrl: string, clientId: string): string {
  return `api://${new URL(publicUrl).host}/${clientId}`;
}

/** A key set given as an absolute path is the file at that path. */
function keySetUri(configured: string | undefined): string | undefined {
  return configured?.startsWith('/') ? pathToFileURL(configured).href : configured;
}

export function resolveEntra(entra: EntraSettings, publicUrl: string): ResolvedEntra {
  const configured = entra.audience === undefined ? [] : [entra.audience].flat();
  const resource = configured[0] ?? defaultResource(publicUrl, entra.clientId);
  const audience = configured.length > 0 ? configured : [resource, entra.clientId];
  return {
    ...entra,
    issuer: entra.issuer ?? `${LOGIN}/${entra.tenantId}/v2.0`,
    jwksUri: keySetUri(entra.jwksUri) ?? `${LOGIN}/${entra.tenantId}/discovery/v2.0/keys`,
    resource,
    audience,
    clientApplications: entra.clientApplications ?? [entra.clientId, ...OFFICE_CLIENT_APPLICATIONS],
  };
}
