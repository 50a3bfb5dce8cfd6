/**
 * The sign-in directory of the service: for an address, the provider that vouches for it — an issuer an admin
 * configured for its domain, else Microsoft or Google when the domain's mail is theirs (and their client is
 * configured), else the issuer the address's own WebFinger entry names — and, for a sign-in, that provider's
 * client. What a domain comes to is kept per domain, and what WebFinger says per address (one user's entry speaks
 * for no one else), for a while, so the assess call and the pickup ask the network once.
 *
 * Providers an admin named (configured issuers, the built-ins' issuers) are reached over the service's network
 * settings; WebFinger and everything a discovered provider names only at public addresses, whatever those allow.
 */
import { createHash } from 'node:crypto';
import { normalizeDomain } from '../../../core/addresses';
import type { Clock } from '../../../core/clock';
import { WIRE_LIMITS } from '../../../core/evaluate/wire-limits';
import type { SignInProvider } from '../../../core/escrow/wire';
import type { SignInSettings } from '../../config/escrow';
import type { HttpsGet, HttpsNetwork } from '../../net/https-get';
import type { SignInDirectory } from '../sign-in-directory';
import { builtInProviderOf, isGoogleConsumerDomain, isMicrosoftConsumerDomain } from './built-in';
import { fetchMetadata, registerClient, type ProviderMetadata, type RegisteredClient } from './discovery';
import { domainOf } from './domain-of';
import { SignInError } from './errors';
import type { OidcClient, SignInFlow } from './flow';
import { KeySetCache } from './id-token';
import { madeOnce } from '../../store/made-once';
import { LookupCache, type LookupCacheLimits } from './lookup-cache';
import type { RemoteJsonDeps } from './remote-json';
import { webfingerIssuer } from './webfinger';

export interface OidcDirectoryDeps {
  settings: SignInSettings;
  /** The service's one callback URI, registered with every provider. */
  redirectUri: string;
  /** How the providers an admin named are reached (configured issuers, the built-ins' issuers). */
  network: HttpsNetwork;
  /**
   * How WebFinger and discovered providers are reached. Default: `network` refusing private addresses, as the
   * service always has it; only a test whose providers listen on loopback passes another.
   */
  discoveryNetwork?: HttpsNetwork;
  /** MX host names of a domain, lower case without the final dot; [] when it has none; throws when DNS fails. */
  mxHosts(domain: string, signal?: AbortSignal): Promise<string[]>;
  clock: Clock;
  httpsGet?: HttpsGet;
  /** Told why a domain's provider could not be found (a DNS or provider failure, not "none"). */
  onLookupError?: (error: unknown, domain: string) => void;
  /** SignInFlow.stepDeadlineMs; default 15 s. */
  stepDeadlineMs?: number;
}

type Route =
  | { kind: 'configured'; issuer: string; label: string; clientId: string; clientSecret?: string }
  | { kind: 'microsoft' | 'google' }
  | { kind: 'discovered'; issuer: string };

/** A domain whose provider is whatever each address's WebFinger entry names. */
const PER_ADDRESS = 'per-address';

/** How one kind of provider is reached: the limits of its documents, and the key sets fetched that way. */
interface Reach {
  remote: RemoteJsonDeps;
  keys: KeySetCache;
}

const HOUR = 3_600_000;
/** A lookup (MX, WebFinger, metadata) shared by callers: a bound of its own, whichever caller gives up. */
const LOOKUP_DEADLINE_MS = 15_000;
/** Domains, addresses, issuers and registrations kept; past it the least recently used goes. */
const MAX_KEPT = 10_000;
const ROUTE_LIMITS: LookupCacheLimits = {
  foundMs: HOUR,
  noneMs: 10 * 60_000,
  failedMs: 60_000,
  max: MAX_KEPT,
  deadlineMs: LOOKUP_DEADLINE_MS,
};
/** A registration is kept while the service runs (the provider would otherwise hold one client per hour). */
const REGISTRATION_LIMITS: LookupCacheLimits = { ...ROUTE_LIMITS, foundMs: Number.POSITIVE_INFINITY };
const REMOTE_LIMITS = { maxBytes: 128 * 1024, timeoutMs: 5000 };

/** A short, stable, URL-safe name for an issuer: the path segment of the sign-in route and what is stored. */
export function issuerProviderId(issuer: string): string {
  return `oidc-${createHash('sha256').update(issuer).digest('base64url').slice(0, 22)}`;
}

/**
 * The issuer Microsoft's metadata names for an authority: a multi-tenant one (common, organizations, consumers)
 * names `{tenantid}` in place of the tenant; a single tenant's names itself.
 */
export function microsoftIssuer(authority: string): string {
  const url = new URL(authority);
  const [, tenant, ...rest] = url.pathname.split('/');
  if (!['common', 'organizations', 'consumers'].includes(tenant ?? '')) return authority;
  return `${url.origin}/{tenantid}/${rest.join('/')}`;
}

function providerOf(route: Route): SignInProvider {
  switch (route.kind) {
    case 'microsoft':
      return { provider: 'microsoft', label: 'Microsoft' };
    case 'google':
      return { provider: 'google', label: 'Google' };
    case 'configured':
      return { provider: issuerProviderId(route.issuer), label: route.label };
    case 'discovered':
      return { provider: issuerProviderId(route.issuer), label: new URL(route.issuer).host };
  }
}

/** A discovered issuer is named by its host, which the wire carries only up to its limit: longer ones are refused. */
const labelFits = (issuer: string) => new URL(issuer).host.length <= WIRE_LIMITS.signInLabelMax;

export class OidcDirectory implements SignInDirectory, SignInFlow {
  readonly flow: SignInFlow = this;
  readonly stepDeadlineMs: number;
  private readonly named: Reach;
  private readonly discovered: Reach;
  private readonly configured = new Map<string, Route & { kind: 'configured' }>();
  private readonly domains: LookupCache<Route | typeof PER_ADDRESS>;
  private readonly addresses: LookupCache<Route>;
  private readonly metadataCache: LookupCache<ProviderMetadata>;
  private readonly registrations: LookupCache<RegisteredClient>;
  /** A route's provider, made once per route kept (naming an issuer's provider hashes the issuer); used everywhere. */
  private readonly providerOf = madeOnce(providerOf);

  constructor(private readonly deps: OidcDirectoryDeps) {
    this.stepDeadlineMs = deps.stepDeadlineMs ?? 15_000;
    this.named = this.reach(deps.network);
    this.discovered = this.reach(deps.discoveryNetwork ?? { ...deps.network, allowPrivateAddresses: false });
    this.domains = new LookupCache(deps.clock, ROUTE_LIMITS);
    this.addresses = new LookupCache(deps.clock, ROUTE_LIMITS);
    this.metadataCache = new LookupCache(deps.clock, ROUTE_LIMITS);
    this.registrations = new LookupCache(deps.clock, REGISTRATION_LIMITS);
    for (const entry of deps.settings.issuers) {
      const { issuer, label, clientId, clientSecret } = entry;
      for (const domain of entry.domains)
        this.configured.set(normalizeDomain(domain), {
          kind: 'configured',
          issuer,
          label,
          clientId,
          ...(clientSecret ? { clientSecret } : {}),
        });
    }
  }

  private reach(network: HttpsNetwork): Reach {
    const { deps } = this;
    const remote = { network, ...REMOTE_LIMITS, ...(deps.httpsGet ? { httpsGet: deps.httpsGet } : {}) };
    return { remote, keys: new KeySetCache(remote, () => deps.clock.now()) };
  }

  async providerFor(
    address: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<SignInProvider | undefined> {
    try {
      const route = await this.routeFor(address, options.signal);
      return route && this.providerOf(route);
    } catch (error) {
      // A caller that gave up has nothing to report: the lookup goes on, and tells of its own failure.
      if (!options.signal?.aborted) this.deps.onLookupError?.(error, domainOf(address));
      return undefined;
    }
  }

  known(address: string): SignInProvider | null | undefined {
    const domain = this.domains.peek(domainOf(address));
    if (domain === undefined) return undefined;
    let route = domain.value;
    if (route === PER_ADDRESS) {
      const own = this.addresses.peek(address);
      if (own === undefined) return undefined;
      route = own.value;
    }
    return route ? this.providerOf(route) : null;
  }

  async clientFor(address: string, provider: string, signal: AbortSignal): Promise<OidcClient | undefined> {
    const route = await this.routeFor(address, signal);
    if (!route || this.providerOf(route).provider !== provider) return undefined;
    return this.client(route, signal);
  }

  private async client(route: Route, signal: AbortSignal): Promise<OidcClient> {
    const reach = route.kind === 'discovered' ? this.discovered : this.named;
    const base = { provider: this.providerOf(route), ...reach };
    const { microsoft, google } = this.deps.settings;
    switch (route.kind) {
      case 'microsoft': {
        const authority = microsoft!.authority;
        const metadata = await this.metadata(reach, authority, signal, microsoftIssuer(authority));
        return { ...base, rules: 'microsoft', metadata, ...clientOf(microsoft!) };
      }
      case 'google': {
        const metadata = await this.metadata(reach, google!.issuer, signal);
        return { ...base, rules: 'google', metadata, ...clientOf(google!) };
      }
      case 'configured': {
        const metadata = await this.metadata(reach, route.issuer, signal);
        return { ...base, rules: 'generic', metadata, ...clientOf(route) };
      }
      case 'discovered': {
        const metadata = await this.metadata(reach, route.issuer, signal);
        const registration = await this.registration(metadata, signal);
        return { ...base, rules: 'generic', metadata, ...registration };
      }
    }
  }

  /**
   * A provider's metadata, fetched once an hour at most: every sign-in's start and callback need it. Kept apart
   * per way of reaching it, so a discovered provider never gets what was fetched where only an admin may point.
   */
  private async metadata(
    reach: Reach,
    issuer: string,
    signal?: AbortSignal,
    expected = issuer,
  ): Promise<ProviderMetadata> {
    const key = JSON.stringify([reach === this.named, issuer, expected]);
    const metadata = await this.metadataCache.get(
      key,
      (own) => fetchMetadata(issuer, reach.remote, own, expected),
      signal,
    );
    if (!metadata)
      throw new SignInError('SIGN_IN_REMOTE_FAILED', `the metadata of ${issuer} failed a moment ago`);
    return metadata;
  }

  /** RFC 7591: one registration per discovered issuer while the service runs, shared by sign-ins at once. */
  private async registration(metadata: ProviderMetadata, signal: AbortSignal): Promise<RegisteredClient> {
    const { registrationEndpoint, issuer } = metadata;
    const client = await this.registrations.get(
      issuer,
      (own) => registerClient(registrationEndpoint!, this.deps.redirectUri, this.discovered.remote, own),
      signal,
    );
    if (!client)
      throw new SignInError('SIGN_IN_REMOTE_FAILED', `the registration at ${issuer} failed a moment ago`);
    return client;
  }

  /** A domain's route, or for a domain left to WebFinger the address's own. */
  private async routeFor(address: string, signal?: AbortSignal): Promise<Route | undefined> {
    const domain = domainOf(address);
    const answer = await this.domains.get(domain, (own) => this.domainRoute(domain, own), signal);
    if (answer !== PER_ADDRESS) return answer;
    return this.addresses.get(address, (own) => this.discover(address, own), signal);
  }

  /** The contract's order: configured > Microsoft > Google > discovered (per address). */
  private async domainRoute(
    domain: string,
    signal: AbortSignal,
  ): Promise<Route | typeof PER_ADDRESS | undefined> {
    const configured = this.configured.get(domain);
    if (configured) return configured;
    const builtIn = await this.builtIn(domain, signal);
    if (builtIn) return { kind: builtIn };
    return this.deps.settings.discover ? PER_ADDRESS : undefined;
  }

  /** RFC 7033: the issuer the address's WebFinger entry names, if it lets the service register. */
  private async discover(address: string, signal: AbortSignal): Promise<Route | undefined> {
    const issuer = await webfingerIssuer(address, this.discovered.remote, signal);
    if (!issuer || !labelFits(issuer)) return undefined;
    // Only an issuer that lets this service register can sign anyone in.
    const metadata = await this.metadata(this.discovered, issuer, signal);
    return metadata.registrationEndpoint ? { kind: 'discovered', issuer } : undefined;
  }

  /** Microsoft or Google when the domain's mail is theirs and their client is configured. */
  private async builtIn(domain: string, signal: AbortSignal): Promise<'microsoft' | 'google' | undefined> {
    const { microsoft, google } = this.deps.settings;
    if (!microsoft && !google) return undefined;
    const byName = isMicrosoftConsumerDomain(domain) || isGoogleConsumerDomain(domain);
    const which = builtInProviderOf(domain, byName ? [] : await this.deps.mxHosts(domain, signal));
    if (which === 'microsoft' && microsoft) return 'microsoft';
    if (which === 'google' && google) return 'google';
    return undefined;
  }
}

function clientOf(settings: { clientId: string; clientSecret?: string | undefined }) {
  return {
    clientId: settings.clientId,
    ...(settings.clientSecret ? { clientSecret: settings.clientSecret } : {}),
  };
}
