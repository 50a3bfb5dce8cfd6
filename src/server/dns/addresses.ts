/** A and AAAA of a host, asked together: for the MX hosts, and as the HTTPS fetcher's `resolveAddresses`. */
import type { DnsClient } from './client';

interface HostAddresses {
  addresses: string[];
  /** Both answers DNSSEC-validated by a trusted resolver. */
  secure: boolean;
  /** The alias chain followed, as the DNS client reports it (last entry: the canonical name). */
  cnames: string[];
  /** Set when a lookup failed (not when it found nothing): the reason the addresses may be incomplete. */
  failure?: unknown;
}

export async function lookupAddresses(
  dns: DnsClient,
  host: string,
  signal?: AbortSignal,
): Promise<HostAddresses> {
  const settled = await Promise.allSettled([
    dns.query(host, 'A', { signal }),
    dns.query(host, 'AAAA', { signal }),
  ]);
  const answers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  return {
    addresses: answers.flatMap((a) => (a.status === 'answer' ? a.records : [])),
    secure: answers.length === 2 && answers.every((a) => a.secure),
    cnames: answers.flatMap((a) => a.cnames).filter((name, i, all) => all.indexOf(name) === i),
    ...(failure ? { failure: failure.reason } : {}),
  };
}

/** IPv4 and IPv6 addresses of `host`, [] when it has none; throws the DNS error when a lookup failed and none came. */
export function addressResolver(dns: DnsClient): (host: string, signal?: AbortSignal) => Promise<string[]> {
  return async (host, signal) => {
    const found = await lookupAddresses(dns, host, signal);
    if (found.addresses.length === 0 && found.failure) throw found.failure;
    return found.addresses;
  };
}
