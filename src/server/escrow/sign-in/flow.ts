/**
 * What the sign-in routes need of the service's providers: for a recipient's address and a provider id, that
 * provider's client while it is still the one named for the address. The directory (directory.ts) is the
 * service's; tests may give the routes another.
 */
import type { SignInProvider } from '../../../core/escrow/wire';
import type { ClaimRules } from './claims';
import type { ProviderMetadata } from './discovery';
import type { KeySetCache } from './id-token';
import type { RemoteJsonDeps } from './remote-json';

/** Everything a sign-in with one provider needs. */
export interface OidcClient {
  provider: SignInProvider;
  rules: ClaimRules;
  metadata: ProviderMetadata;
  clientId: string;
  clientSecret?: string;
  /** How the provider's endpoints are reached: a discovered provider's only at public addresses. */
  remote: RemoteJsonDeps;
  /** The provider's published keys. */
  keys: KeySetCache;
}

export interface SignInFlow {
  /**
   * One deadline for all a sign-in's start or callback asks of the network (lookups, metadata, registration,
   * token, key set): each remote call has its own, but six of them must not hold the pop-up for half a minute.
   */
  readonly stepDeadlineMs: number;
  /**
   * The client to sign `address` in with, when `provider` is still the one named for it; undefined otherwise.
   * Throws SignInError when the provider cannot be reached, and `signal.reason` when `signal` aborts first.
   */
  clientFor(address: string, provider: string, signal: AbortSignal): Promise<OidcClient | undefined>;
}
