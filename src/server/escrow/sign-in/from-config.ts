/** The service's sign-in directory, built from its configuration, DNS client and network settings. */
import type { Clock } from '../../../core/clock';
import type { Config } from '../../config/schema';
import { addressResolver, type DnsClient } from '../../dns';
import type { HttpsNetwork } from '../../net/https-get';
import { resolveMx } from '../../transport/mx';
import { OidcDirectory } from './directory';
import { callbackUrl } from './routes';

/**
 * A domain's mail host names as a sending gateway would find them (transport/mx.ts: null MX, implicit MX); none
 * when the domain accepts no mail.
 */
export function mxHostsVia(dns: DnsClient) {
  return async (domain: string, signal?: AbortSignal): Promise<string[]> => {
    const mx = await resolveMx(domain, dns, signal);
    return mx.kind === 'no-mail' ? [] : mx.hosts.map((host) => host.hostname);
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
