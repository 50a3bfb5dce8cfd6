/** The service's sign-in directory, built from its configuration, DNS client and network settings. */
import type { Clock } from '../../../core/clock';
import type { Config } from '../../config/schema';
import { addressResolver, type DnsClient } from '../../dns';
import type { HttpsNetwork } from '../../net/https-get';
import { OidcDirectory } from './directory';
import { callbackUrl } from './routes';

/** A domain's MX host names from the service's resolver: lower case, without the final dot. */
export function mxHostsVia(dns: DnsClient) {
  return async (domain: string, signal?: AbortSignal): Promise<string[]> => {
    const answer = await dns.query(domain, 'MX', signal ? { signal } : {});
    if (answer.status !== 'answer') return [];
    return answer.records.map((record) => record.exchange.toLowerCase().replace(/\.$/, ''));
  };
}

/**
 * `allowPrivateAddresses` reaches the providers an admin named (their configured issuers and what those name);
 * WebFinger and discovered providers, which any recipient domain chooses, are reached at public addresses only.
 */
export function createSignInDirectory(
  config: Config,
  deps: {
    dns: DnsClient;
    network: Omit<HttpsNetwork, 'resolveAddresses'>;
    clock: Clock;
    onLookupError?: (error: unknown, domain: string) => void;
  },
): OidcDirectory {
  const network = { resolveAddresses: addressResolver(deps.dns), ...deps.network };
  return new OidcDirectory({
    settings: config.escrow.signIn,
    redirectUri: callbackUrl(config.publicUrl),
    network,
    discoveryNetwork: { ...network, allowPrivateAddresses: false },
    mxHosts: mxHostsVia(deps.dns),
    clock: deps.clock,
    ...(deps.onLookupError ? { onLookupError: deps.onLookupError } : {}),
  });
}
