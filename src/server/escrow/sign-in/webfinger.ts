/**
 * OpenID Connect Discovery §2 over WebFinger (RFC 7033): which issuer a recipient's domain names for an address.
 * A parser of the remote JRD, and the one fetch.
 */
import { domainOf } from './domain-of';
import { fetchJson, type JsonObject, type RemoteJsonDeps } from './remote-json';

export const ISSUER_REL = 'http://openid.net/specs/connect/1.0/issuer';

/** Only an https issuer without query or fragment counts (OpenID Connect Discovery §3). */
export function httpsUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2048) return undefined;
  const url = URL.parse(value);
  return url?.protocol === 'https:' && url.search === '' && url.hash === '' && url.username === ''
    ? value
    : undefined;
}

/**
 * RFC 7033 §4.4: the first `links` entry with the issuer relation and an https `href`, of a JRD whose `subject`
 * is the resource asked for — an answer about another account says nothing of this one.
 */
export function issuerFromJrd(jrd: JsonObject, resource: string): string | undefined {
  if (jrd.subject !== resource) return undefined;
  const links = Array.isArray(jrd.links) ? (jrd.links as unknown[]) : [];
  for (const link of links) {
    if (typeof link !== 'object' || link === null) continue;
    const { rel, href } = link as JsonObject;
    const issuer = rel === ISSUER_REL ? httpsUrl(href) : undefined;
    if (issuer) return issuer;
  }
  return undefined;
}

/** The `acct:` URI (RFC 7565) WebFinger is asked about for an address. */
export const acctUri = (address: string) => `acct:${address}`;

export function webfingerUrl(address: string): string {
  const query = new URLSearchParams({ resource: acctUri(address), rel: ISSUER_REL });
  return `https://${domainOf(address)}/.well-known/webfinger?${query.toString()}`;
}

/** The issuer the address's domain names; undefined when it names none. Throws SIGN_IN_REMOTE_FAILED. */
export async function webfingerIssuer(
  address: string,
  deps: RemoteJsonDeps,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const { status, json } = await fetchJson(webfingerUrl(address), 'the WebFinger answer', deps, {
    ...(signal ? { signal } : {}),
    nothingHere: [404],
  });
  return status === 200 ? issuerFromJrd(json, acctUri(address)) : undefined;
}
