/**
 * RFC 6186 service records: where a domain tells mail clients to find IMAP, POP3 and submission. `_imaps`,
 * `_pop3s` and `_submissions` (RFC 8314 §5.1) name TLS from the first byte; `_imap`, `_pop3` and `_submission`
 * the plain port, where a client is to use STARTTLS. A target of "." says the service is not offered (RFC 2782).
 */
import { describeDnsFailure } from '../transport/mx';
import type { DnsClient } from '../dns';
import type { SrvRecord } from '../dns/records';
import { isHostName, type Endpoint } from './endpoints';
import type { AccessProtocol, AccessSecurity } from './report';

const SERVICES: ReadonlyArray<{ label: string; protocol: AccessProtocol; security: AccessSecurity }> = [
  { label: '_imaps._tcp', protocol: 'imap', security: 'implicit' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
  { label: '_pop3s._tcp', protocol: 'pop3', security: 'implicit' },
  { label: '_pop3._tcp', protocol: 'pop3', security: 'starttls' },
  { label: '_submissions._tcp', protocol: 'submission', security: 'implicit' },
  { label: '_submission._tcp', protocol: 'submission', security: 'starttls' },
];

/** Targets taken per service name, in priority order: a client uses the first that answers. */
const MAX_TARGETS_PER_SERVICE = 2;

export type SrvDiscovery =
  | {
      state: 'records';
      endpoints: Endpoint[];
      /** Service names whose only record is "." (not offered). */
      notOffered: string[];
      /** Records skipped because no client could use their target (not a host name, port 0): `name → target:port`. */
      unusable: string[];
      /** Service names whose lookup failed, with why. */
      failures: string[];
      ttl: number;
    }
  | { state: 'none' }
  | { state: 'failed'; reason: string };

type Lookup =
  | { name: string; service: (typeof SERVICES)[number]; records: readonly SrvRecord[]; ttl: number }
  | { name: string; failure: string };

async function lookup(
  domain: string,
  service: (typeof SERVICES)[number],
  dns: DnsClient,
  signal?: AbortSignal,
): Promise<Lookup> {
  const name = `${service.label}.${domain}`;
  try {
    const answer = await dns.query(name, 'SRV', signal ? { signal } : {});
    return {
      name,
      service,
      records: answer.status === 'answer' ? answer.records : [],
      ttl: answer.status === 'answer' ? answer.ttl : Infinity,
    };
  } catch (error) {
    if (signal?.aborted) throw error;
    return { name, failure: describeDnsFailure(error) };
  }
}

type Answered = Extract<Lookup, { records: readonly SrvRecord[] }>;

function usable(record: SrvRecord): boolean {
  return isHostName(record.target) && record.port > 0;
}

/** Records naming a target other than "." that no client could connect to (localhost, port 0). */
function unusableOf(found: Answered): string[] {
  return found.records
    .filter((record) => record.target !== '' && !usable(record))
    .map((record) => `${found.name} → ${record.target.slice(0, 80)}:${record.port}`);
}

/** RFC 2782: lower priority first; weight only spreads load among equals, so it does not decide what is probed. */
function endpointsOf(found: Answered): Endpoint[] {
  return [...found.records]
    .filter(usable)
    .sort((a, b) => a.priority - b.priority || b.weight - a.weight)
    .slice(0, MAX_TARGETS_PER_SERVICE)
    .map((record) => ({
      protocol: found.service.protocol,
      host: record.target,
      port: record.port,
      security: found.service.security,
      foundBy: ['srv'],
    }));
}

export async function discoverSrv(
  domain: string,
  dns: DnsClient,
  signal?: AbortSignal,
): Promise<SrvDiscovery> {
  const lookups = await Promise.all(SERVICES.map((service) => lookup(domain, service, dns, signal)));
  const answered = lookups.filter(
    (found): found is Answered => 'records' in found && found.records.length > 0,
  );
  const failures = lookups.flatMap((found) =>
    'failure' in found ? [`${found.name}: ${found.failure}`] : [],
  );
  if (answered.length === 0) {
    return failures.length === 0
      ? { state: 'none' }
      : { state: 'failed', reason: `the SRV lookups failed (${failures.join('; ')})` };
  }
  return {
    state: 'records',
    endpoints: answered.flatMap(endpointsOf),
    notOffered: answered
      .filter((found) => found.records.every((record) => record.target === ''))
      .map((found) => found.name),
    unusable: answered.flatMap(unusableOf),
    failures,
    ttl: Math.min(...answered.map((found) => found.ttl)),
  };
}
