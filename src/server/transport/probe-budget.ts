/**
 * Which MX addresses get a STARTTLS probe. A domain chooses how many addresses its MX hosts have, and every probe
 * is a connection to port 25 of someone's server: without a cap, one hostile domain naming ten hosts with hundreds
 * of addresses each would make the checker open thousands of connections to third parties. A sending gateway tries
 * a handful (Postfix's smtp_mx_address_limit is 5), so a sample says what senders meet.
 */

interface ProbeLimits {
  perHost: number;
  perDomain: number;
}

/** Twice Postfix's per-delivery limit per host; enough across ten hosts for each to be probed at least once. */
export const PROBE_LIMITS: ProbeLimits = { perHost: 10, perDomain: 20 };

export interface ProbeSelection {
  /** The addresses to probe, in the order DNS gave them. */
  probed: string[];
  /** Distinct addresses left unprobed. */
  unprobed: number;
}

/**
 * Chooses per host (in preference order, each host's addresses in DNS order) which to probe: the domain's budget
 * goes round the hosts one address at a time, so a lower-preference host is not left out because the first one
 * had many, and within a host IPv4 and IPv6 alternate, so both families are sampled.
 */
export function selectProbeAddresses(
  hosts: readonly (readonly string[])[],
  limits: ProbeLimits = PROBE_LIMITS,
): ProbeSelection[] {
  const distinct = hosts.map((addresses) => [...new Set(addresses)]);
  const candidates = distinct.map(familiesAlternating);
  const quotas = shareBudget(
    candidates.map((list) => Math.min(list.length, limits.perHost)),
    limits.perDomain,
  );
  return distinct.map((addresses, host) => {
    const chosen = new Set((candidates[host] ?? []).slice(0, quotas[host]));
    return {
      probed: addresses.filter((address) => chosen.has(address)),
      unprobed: addresses.length - chosen.size,
    };
  });
}

/** IPv4 and IPv6 addresses taken turn about, each family in its own order, the rest of the larger one after. */
function familiesAlternating(addresses: readonly string[]): string[] {
  const v6 = addresses.filter((address) => address.includes(':'));
  const v4 = addresses.filter((address) => !address.includes(':'));
  const alternating: string[] = [];
  for (let index = 0; index < Math.max(v4.length, v6.length); index++) {
    if (index < v4.length) alternating.push(v4[index] as string);
    if (index < v6.length) alternating.push(v6[index] as string);
  }
  return alternating;
}

/** How many each host gets: one at a time round the hosts, in order, until the budget or every host's cap is spent. */
function shareBudget(caps: readonly number[], budget: number): number[] {
  const quotas = caps.map(() => 0);
  let left = budget;
  for (let given = true; left > 0 && given;) {
    given = false;
    for (let host = 0; host < caps.length && left > 0; host++) {
      if ((quotas[host] as number) < (caps[host] as number)) {
        quotas[host] = (quotas[host] as number) + 1;
        left--;
        given = true;
      }
    }
  }
  return quotas;
}

/** The report's reason for a host whose addresses were sampled; none when all were probed. */
export function unprobedReason(
  host: { hostname: string; addresses: readonly string[]; unprobedAddresses?: number },
  limits: ProbeLimits = PROBE_LIMITS,
): string[] {
  const unprobed = host.unprobedAddresses ?? 0;
  if (unprobed === 0) return [];
  const probed = host.addresses.length;
  return [
    `${host.hostname} has ${probed + unprobed} addresses: ${unprobed} not probed, ${probed} probed ` +
      `(at most ${limits.perHost} per MX host and ${limits.perDomain} per domain are)`,
  ];
}
