/**
 * The sign-in directory of the service: for an address, the provider that vouches for it — an issuer an admin
 * configured for its domain, else Microsoft or Google when the domain's mail is theirs (and their client is
 * configured), else the issuer the domain names by WebFinger — and, for a sign-in, that provider's client.
 * What a domain comes to is kept per domain for a while, so the assess call and the pickup ask the network once.
 */
import { createHash } from 'node:crypto';
import { normalizeDomain } from '../../../core/addresses';
import type { Clock } from '../../../core/clock';
import type { SignInProvider } from '../../../core/escrow/wire';
import { SingleFlight } from '../../../core/single-flight';
import type { SignInSettings } from '../../config/escrow';
import type { HttpsGet, HttpsNetwork } from '../../net/https-get';
import type { SignInDirectory } from '../sign-in-directory';
import { builtInProviderOf, isGoogleConsumerDomain, isMicrosoftConsumerDomain } from './built-in';
import type { ClaimRules } from './claims';
import { fetchMetadata, registerClient, type ProviderMetadata, type RegisteredClient } from './discovery';
import { KeySetCache } from './id-token';
import { keepBounded } from './keep-bounded';
import type { RemoteJsonDeps } from './remote-json';
import { webfingerIssuer } from './webfinger';

/** Everything a sign-in with one provider needs. */
export interface OidcClient {
  provider: SignInProvider;
  rules: ClaimRules;
  metadata: ProviderMetadata;
  clientId: string;
  clientSecret?: string;
}

export interface OidcDirectoryDeps {
  settings: SignInSettings;
  /** The service's one callback URI, registered with every provider. */
  redirectUri: string;
  network: HttpsNetwork;
  /** MX host names of a domain, lower case without the final dot; [] when it has none; throws when DNS fails. */
  mxHosts(domain: string, signal?: AbortSignal): Promise<string[]>;
  clock: Clock;
  httpsGet?: HttpsGet;
  /** Told why a domain's provider could not be found (a DNS or provider failure, not "none"). */
  onLookupError?: (error: unknown, domain: string) => void;
}

type Route =
  | { kind: 'configured'; issuer: string; label: string; clientId: string; clientSecret?: string }
  | { kind: 'microsoft' | 'google' }
  | { kind: 'discovered'; issuer: string };

const FOUND_TTL_MS = 3_600_000;
const NONE_TTL_MS = 10 * 60_000;
const FAILED_TTL_MS = 60_000;
/** Domains, issuers and registrations kept; past it the oldest goes (many domains can name many issuers). */
const MAX_KEPT = 10_000;
const REMOTE_LIMITS = { maxBytes: 128 * 1024, timeoutMs: 5000 };

const keep = <K, V>(map: Map<K, V>, key: K, value: V) => keepBounded(map, key, value, MAX_KEPT);

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

export class OidcDirectory implements SignInDirectory {
  readonly remote: RemoteJsonDeps;
  private readonly configured = new Map<string, Route & { kind: 'configured' }>();
  private readonly domains = new Map<string, { route: Route | undefined; until: number }>();
  private readonly lookups = new SingleFlight<Route | undefined>();
  private readonly metadataByIssuer = new Map<string, { metadata: ProviderMetadata; until: number }>();
  private readonly registrations = new Map<string, RegisteredClient>();
  private readonly registering = new SingleFlight<RegisteredClient>();
  readonly keys: KeySetCache;

  constructor(private readonly deps: OidcDirectoryDeps) {
    this.remote = {
      network: deps.network,
      ...REMOTE_LIMITS,
      ...(deps.httpsGet ? { httpsGet: deps.httpsGet } : {}),
    };
    this.keys = new KeySetCache(this.remote, () => deps.clock.now());
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

  async providerFor(
    address: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<SignInProvider | undefined> {
    try {
      const route = await this.routeFor(address, options.signal);
      return route && providerOf(route);
    } catch (error) {
      this.deps.onLookupError?.(error, address.slice(address.lastIndexOf('@') + 1));
      return undefined;
    }
  }

  /** The client to sign `address` in with, when `provider` is still the one for it. Throws SignInError. */
  async clientFor(address: string, provider: string, signal?: AbortSignal): Promise<OidcClient | undefined> {
    const route = await this.routeFor(address, signal);
    if (!route || providerOf(route).provider !== provider) return undefined;
    return this.client(route, signal);
  }

  private async client(route: Route, signal?: AbortSignal): Promise<OidcClient> {
    const base = { provider: providerOf(route) };
    const { microsoft, google } = this.deps.settings;
    switch (route.kind) {
      case 'microsoft': {
        const authority = microsoft!.authority;
        const metadata = await this.metadata(authority, signal, microsoftIssuer(authority));
        return { ...base, rules: 'microsoft', metadata, ...clientOf(microsoft!) };
      }
      case 'google':
        return {
          ...base,
          rules: 'google',
          metadata: await this.metadata(google!.issuer, signal),
          ...clientOf(google!),
        };
      case 'configured':
        return {
          ...base,
          rules: 'generic',
          metadata: await this.metadata(route.issuer, signal),
          ...clientOf(route),
        };
      case 'discovered': {
        const metadata = await this.metadata(route.issuer, signal);
        return { ...base, rules: 'generic', metadata, ...(await this.registration(metadata, signal)) };
      }
    }
  }

  /** A provider's metadata, fetched once an hour at most: every sign-in's start and callback need it. */
  private async metadata(issuer: string, signal?: AbortSignal, expected = issuer): Promise<ProviderMetadata> {
    const known = this.metadataByIssuer.get(issuer);
    if (known && known.until > this.deps.clock.now()) return known.metadata;
    const metadata = await fetchMetadata(issuer, this.remote, signal, expected);
    keep(this.metadataByIssuer, issuer, { metadata, until: this.deps.clock.now() + FOUND_TTL_MS });
    return metadata;
  }

  /** RFC 7591: one registration per issuer while the service runs, shared by sign-ins that start at once. */
  private async registration(metadata: ProviderMetadata, signal?: AbortSignal): Promise<RegisteredClient> {
    const known = this.registrations.get(metadata.issuer);
    if (known) return known;
    return this.registering.run(metadata.issuer, async () => {
      const client = await registerClient(
        metadata.registrationEndpoint!,
        this.deps.redirectUri,
        this.remote,
        signal,
      );
      keep(this.registrations, metadata.issuer, client);
      return client;
    });
  }

  private async routeFor(address: string, signal?: AbortSignal): Promise<Route | undefined> {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const cached = this.domains.get(domain);
    if (cached && cached.until > this.deps.clock.now()) return cached.route;
    try {
      const route = await this.lookups.run(domain, () => this.lookUp(domain, address, signal));
      this.remember(domain, route, route ? FOUND_TTL_MS : NONE_TTL_MS);
      return route;
    } catch (error) {
      // A failing domain is asked again soon, not at every assess; a caller that gave up says nothing of it.
      if (!signal?.aborted) this.remember(domain, undefined, FAILED_TTL_MS);
      throw error;
    }
  }

  private remember(domain: string, route: Route | undefined, ttlMs: number): void {
    keep(this.domains, domain, { route, until: this.deps.clock.now() + ttlMs });
  }

  /** The contract's order: configured > Microsoft > Google > discovered. */
  private async lookUp(domain: string, address: string, signal?: AbortSignal): Promise<Route | undefined> {
    const configured = this.configured.get(domain);
    if (configured) return configured;
    const builtIn = await this.builtIn(domain, signal);
    if (builtIn) return { kind: builtIn };
    if (!this.deps.settings.discover) return undefined;
    const issuer = await webfingerIssuer(address, this.remote, signal);
    if (!issuer) return undefined;
    // Only an issuer that lets this service register can sign anyone in.
    const metadata = await this.metadata(issuer, signal);
    return metadata.registrationEndpoint ? { kind: 'discovered', issuer } : undefined;
  }

  /** Microsoft or Google when the domain's mail is theirs and their client is configured. */
  private async builtIn(domain: string, signal?: AbortSignal): Promise<'microsoft' | 'google' | undefined> {
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
