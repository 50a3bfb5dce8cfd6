/**
 * The endpoints a domain's users are told to use, as discovery finds them (SRV, autoconfig, a recognised
 * provider): merged so that one endpoint found twice is probed once, and capped, because a hostile domain chooses
 * how many it lists and every probe is a connection to someone's server.
 */
import type { AccessProtocol, AccessSecurity, FoundBy } from './report';

export interface Endpoint {
  protocol: AccessProtocol;
  /** Lower-case A-label. */
  host: string;
  port: number;
  security: AccessSecurity;
  foundBy: FoundBy[];
  /** The autoconfig file that tells clients to use this endpoint without TLS (socketType `plain`). */
  plainIn?: string;
}

/**
 * Endpoints probed per domain: a mail provider lists a handful (IMAP, POP3, submission, each on one or two ports).
 * A recognised provider's documented endpoints, never probed, come on top.
 */
export const MAX_ENDPOINTS = 12;
/** Addresses probed per endpoint host: a client tries the first that answers, so two say what clients meet. */
export const MAX_ADDRESSES_PER_HOST = 2;

const SECURITY_RANK: Record<AccessSecurity, number> = { implicit: 0, starttls: 1, plain: 2 };

/** One endpoint whoever found it: protocol, host and port. */
export function endpointKey(endpoint: Pick<Endpoint, 'protocol' | 'host' | 'port'>): string {
  return `${endpoint.protocol} ${endpoint.host} ${endpoint.port}`;
}

/**
 * One entry per protocol, host and port, in the order first found. Where sources disagree on the security, the
 * one asking less of the client stands (a client told `plain` uses no TLS), and every source is named.
 */
export function mergeEndpoints(found: readonly Endpoint[]): { endpoints: Endpoint[]; dropped: number } {
  const merged = new Map<string, Endpoint>();
  for (const endpoint of found) {
    const key = endpointKey(endpoint);
    const known = merged.get(key);
    if (!known) {
      merged.set(key, { ...endpoint, foundBy: [...endpoint.foundBy] });
      continue;
    }
    if (SECURITY_RANK[endpoint.security] > SECURITY_RANK[known.security]) known.security = endpoint.security;
    for (const source of endpoint.foundBy) if (!known.foundBy.includes(source)) known.foundBy.push(source);
    if (endpoint.plainIn !== undefined) known.plainIn ??= endpoint.plainIn;
  }
  // A recognised provider's documented endpoints are not probed, so they do not count against the cap.
  const all = [...merged.values()];
  const documented = all.filter((endpoint) => endpoint.foundBy.includes('provider'));
  const probed = all.filter((endpoint) => !endpoint.foundBy.includes('provider'));
  return {
    endpoints: [...documented, ...probed.slice(0, MAX_ENDPOINTS)],
    dropped: Math.max(0, probed.length - MAX_ENDPOINTS),
  };
}

/**
 * Whether an endpoint is probed: not a recognised provider's documented one (its documentation is the evidence),
 * and not one an autoconfig file gives as `plain` (clients told so use no TLS, whatever the server offers, so a
 * probe could not change the verdict and would be a connection to someone's server for nothing).
 */
export function isProbed(endpoint: Endpoint): boolean {
  return !endpoint.foundBy.includes('provider') && endpoint.plainIn === undefined;
}

/** `imap.example.org:993`: how reasons name an endpoint. */
export function endpointName(endpoint: { host: string; port: number }): string {
  return `${endpoint.host}:${endpoint.port}`;
}

const LABEL = /^[a-z0-9-]{1,63}$/;

/**
 * Whether `host` (already lower-cased) is a host name an endpoint may have: letters, digits and hyphens in labels
 * of 1 to 63 that neither start nor end with a hyphen, at least two labels, 253 characters at most.
 */
export function isHostName(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split('.');
  return (
    labels.length >= 2 &&
    labels.every((label) => LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-'))
  );
}
