/**
 * Where a sending gateway would deliver mail for a domain (RFC 5321 §5.1): the MX hosts in preference order, or
 * the implicit MX — only when the MX query answers NODATA; a resolver failure is temporary, not "no MX" — or the
 * fact that the domain accepts no mail (RFC 7505 null MX, NXDOMAIN, neither MX nor address).
 */
import type { DnsClient, DnsResult } from '../dns';
import { DnsError, lookupAddresses } from '../dns';
import { selectProbeAddresses, type ProbeSelection } from './probe-budget';

/** RFC 5321 gives no cap; senders try a handful. Ten bounds the probing work per domain. */
export const MAX_MX_HOSTS = 10;

export interface MxHost {
  hostname: string;
  preference: number;
  /** The addresses to probe, in DNS order: all of them, or the sample PROBE_LIMITS allows. */
  addresses: string[];
  /** How many further addresses DNS gave for this host, left unprobed by PROBE_LIMITS; absent when none. */
  unprobedAddresses?: number;
  /** Whether the address records were DNSSEC-validated: DANE applies only then (RFC 7672 §2.2.2). */
  addressesSecure: boolean;
  /** The canonical name when the host name is an alias: the TLSA base domain candidate (RFC 7672 §2.2.2). */
  canonicalName?: string;
  /** Why no address is known, when none is. */
  addressError?: string;
  /** Set when that is because a lookup failed (temporary), not because there is no address. */
  addressLookupFailed?: boolean;
}

type MxResolution =
  | { kind: 'no-mail'; reason: string; secure: boolean }
  | {
      kind: 'hosts';
      /** No MX record: the domain itself is the mail host (RFC 5321 §5.1). */
      implicit: boolean;
      hosts: MxHost[];
      /** Whether the MX answer (or the implicit one) was DNSSEC-validated: DANE needs it (RFC 7672 §2.2.1). */
      secure: boolean;
      /** Hosts past MAX_MX_HOSTS, left unprobed. */
      skipped: number;
      ttl: number;
    };

async function addressesOf(
  hostname: string,
  dns: DnsClient,
  signal?: AbortSignal,
): Promise<Omit<MxHost, 'hostname' | 'preference'>> {
  const found = await lookupAddresses(dns, hostname, signal);
  const canonical = found.cnames.at(-1);
  const base = {
    addresses: found.addresses,
    addressesSecure: found.secure,
    ...(canonical ? { canonicalName: canonical } : {}),
  };
  if (found.addresses.length > 0) return base;
  if (found.failure) {
    return {
      ...base,
      addressError: `the address lookup failed (${describeDnsFailure(found.failure)})`,
      addressLookupFailed: true,
    };
  }
  return { ...base, addressError: `${hostname} has no address` };
}

export function describeDnsFailure(error: unknown): string {
  return error instanceof DnsError ? error.message : String(error);
}

function sortedHosts(
  records: { preference: number; exchange: string }[],
): { preference: number; exchange: string }[] {
  const seen = new Set<string>();
  return [...records]
    .sort((a, b) => a.preference - b.preference || a.exchange.localeCompare(b.exchange))
    .filter((r) => !seen.has(r.exchange) && seen.add(r.exchange));
}

async function implicitMx(domain: string, dns: DnsClient, mx: DnsResult<unknown>, signal?: AbortSignal) {
  const host = await addressesOf(domain, dns, signal);
  if (host.addresses.length === 0 && !host.addressLookupFailed) {
    return {
      kind: 'no-mail' as const,
      reason: `${domain} has neither an MX record nor an address`,
      secure: mx.secure,
    };
  }
  return {
    kind: 'hosts' as const,
    implicit: true,
    hosts: withinProbeLimits([{ hostname: domain, preference: 0, ...host }]),
    secure: mx.secure && host.addressesSecure,
    skipped: 0,
    ttl: 300,
  };
}

/** The hosts with their addresses cut to the probe sample (probe-budget.ts), and the rest counted. */
function withinProbeLimits(hosts: MxHost[]): MxHost[] {
  const selections = selectProbeAddresses(hosts.map((host) => host.addresses));
  return hosts.map((host, index) => {
    const { probed, unprobed } = selections[index] as ProbeSelection;
    return { ...host, addresses: probed, ...(unprobed > 0 ? { unprobedAddresses: unprobed } : {}) };
  });
}

/** Throws DnsError when the MX query itself fails: that is `unknown`, never `no-mail`. */
export async function resolveMx(domain: string, dns: DnsClient, signal?: AbortSignal): Promise<MxResolution> {
  const mx = await dns.query(domain, 'MX', { signal });
  if (mx.status === 'nxdomain')
    return { kind: 'no-mail', reason: `${domain} does not exist`, secure: mx.secure };
  if (mx.status === 'nodata') return implicitMx(domain, dns, mx, signal);
  // RFC 7505 §3: a null MX stands alone; if other MX records sit beside it, senders use those.
  const real = mx.records.filter((r) => r.exchange !== '');
  if (real.length === 0) {
    return {
      kind: 'no-mail',
      reason: `${domain} publishes a null MX (RFC 7505): it accepts no mail`,
      secure: mx.secure,
    };
  }
  const ordered = sortedHosts(real);
  const chosen = ordered.slice(0, MAX_MX_HOSTS);
  const hosts = await Promise.all(
    chosen.map(async (r) => ({
      hostname: r.exchange,
      preference: r.preference,
      ...(await addressesOf(r.exchange, dns, signal)),
    })),
  );
  return {
    kind: 'hosts',
    implicit: false,
    hosts: withinProbeLimits(hosts),
    secure: mx.secure,
    skipped: ordered.length - chosen.length,
    ttl: mx.ttl,
  };
}
