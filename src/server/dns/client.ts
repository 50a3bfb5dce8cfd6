/**
 * A stub resolver client that, unlike Node's, asks for DNSSEC (DO bit) and reports whether the resolver
 * validated the answer (AD bit). It trusts the AD bit only when told the path to the resolver is trusted.
 */
import { randomFillSync } from 'node:crypto';
import pLimit from 'p-limit';
import { isLoopbackHost } from '../../core/loopback-host';
import net from 'node:net';
import { DnsError, DnsRefusedError, DnsServerInvalidError, DnsServfailError } from './errors';
import { exchange, serverLabel, type DnsServer } from './exchange';
import { buildQuery, type DnsResponse, type ResourceRecord } from './message';
import { normalizeQueryName } from './names';
import { SharedQueries } from './shared-queries';
import type { Stop } from './stop';
import { UdpLanes } from './udp-lanes';
import { toRecord, wireType, type DnsRecordType, type DnsRecordTypes } from './records';

export interface DnsClientOptions {
  /** Tried in turn, one per attempt. */
  servers: DnsServer[];
  /** Whether an AD bit from these servers means "validated": true only for a validating resolver on a trusted path. */
  trustAd: boolean;
  /** Per attempt, and again for the TCP retry of a truncated answer. */
  timeoutMs?: number;
  /** Within an attempt, when an unanswered UDP query is sent again (exchange.ts); 0 never. */
  resendAfterMs?: number;
  /** Further attempts after the first fails for any reason but an invalid name or an abort. */
  retries?: number;
  /** The UDP payload size advertised in EDNS0. */
  udpPayload?: number;
  /**
   * Whether queries to a loopback server may share sockets (udp-lanes.ts); on by default. Off, or to any other
   * server, each query has a socket of its own.
   */
  shareLoopbackSockets?: boolean;
  /** How many queries may be in flight to one server at once; the rest wait their turn (`routeTo`). */
  maxInFlight?: number;
}

/** `cnames` is the alias chain followed from the query name, in order: its last entry is the canonical name. */
export type DnsResult<T> =
  | { status: 'answer'; records: T[]; ttl: number; secure: boolean; cnames: string[] }
  | { status: 'nxdomain'; secure: boolean; cnames: string[] }
  | { status: 'nodata'; secure: boolean; cnames: string[] };

export interface DnsClient {
  query<T extends DnsRecordType>(
    name: string,
    type: T,
    opts?: QueryOptions,
  ): Promise<DnsResult<DnsRecordTypes[T]>>;
}

interface QueryOptions {
  signal?: AbortSignal;
  /**
   * Sets CD: the resolver skips DNSSEC validation. The answer is then never `secure`; it serves only to tell
   * whether a SERVFAIL was a validation failure (see `isDnssecFailure`).
   */
  checkingDisabled?: boolean;
}

// 1232 octets is the DNS Flag Day 2020 payload size: large enough for most answers, small enough not to fragment.
// A quarter second before the first resend: far above a loopback or LAN resolver's answer time from its cache,
// about what a recursion it has not cached takes, and well inside the attempt's two seconds.
// 128 in flight: well below the couple of hundred small datagrams a resolver's socket holds by default.
const DEFAULTS = { timeoutMs: 2000, resendAfterMs: 250, retries: 2, udpPayload: 1232, maxInFlight: 128 };
// Longer chains in one answer are a misconfiguration or an attack; resolvers cap them too.
const MAX_CNAMES = 8;
const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

type Settings = Required<DnsClientOptions>;

/**
 * Query ids from the CSPRNG, drawn 512 at a time: a `randomInt` call per query cost more than building the query,
 * and a batch of domains sends hundreds.
 */
const ids = new Uint16Array(512);
let nextId = ids.length;

function randomId(): number {
  if (nextId === ids.length) {
    randomFillSync(ids);
    nextId = 0;
  }
  return ids[nextId++] as number;
}

export function createDnsClient(options: DnsClientOptions): DnsClient {
  if (options.servers.length === 0) throw new DnsServerInvalidError('no DNS server given');
  options.servers.forEach(checkServer);
  const settings: Settings = {
    servers: options.servers.map((server) => ({ ...server })),
    trustAd: options.trustAd,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    resendAfterMs: options.resendAfterMs ?? DEFAULTS.resendAfterMs,
    retries: options.retries ?? DEFAULTS.retries,
    udpPayload: options.udpPayload ?? DEFAULTS.udpPayload,
    shareLoopbackSockets: options.shareLoopbackSockets ?? true,
    maxInFlight: options.maxInFlight ?? DEFAULTS.maxInFlight,
  };
  const shared = new SharedQueries();
  const routes = new Map(settings.servers.map((server) => [server, routeTo(server, settings)]));
  return {
    query: async (name, type, { signal, checkingDisabled = false } = {}) => {
      const qname = normalizeQueryName(name);
      return shared.run(`${qname} ${type}${checkingDisabled ? ' CD' : ''}`, signal, async (stop) =>
        frozen(await query(settings, routes, qname, type, stop, checkingDisabled)),
      );
    },
  };
}

/**
 * The result, frozen down to each record: every caller that asked the same question at once gets this one object
 * (shared-queries.ts), so none may change what the others read. Byte records (TLSA data, OPENPGPKEY) stay
 * writable, as Node cannot freeze a Buffer; callers only read them.
 */
function frozen<T>(result: DnsResult<T>): DnsResult<T> {
  if (result.status === 'answer') {
    for (const record of result.records) {
      if (typeof record === 'object' && record !== null && !Buffer.isBuffer(record)) Object.freeze(record);
    }
    Object.freeze(result.records);
  }
  Object.freeze(result.cnames);
  return Object.freeze(result);
}

/** Throws DnsServerInvalidError unless the server is an IP address and a port. */
export function checkServer(server: DnsServer): void {
  if (net.isIP(server.host) === 0) throw new DnsServerInvalidError(`"${server.host}" is not an IP address`);
  if (!Number.isInteger(server.port) || server.port < 1 || server.port > 65535) {
    throw new DnsServerInvalidError(`${server.port} is not a port number`);
  }
}

/** What a client's queries to one server share: its in-flight limit, and sockets when it is on loopback. */
interface Route {
  limit: pLimit.Limit;
  lanes?: UdpLanes;
}

function routeTo(server: DnsServer, settings: Settings): Route {
  // At most so many queries in flight to one server; the rest wait their turn, in order. A batch of domains asks
  // hundreds of questions at once, and past a couple of hundred a resolver's receive buffer overflows (Linux's
  // default holds about that many small datagrams) and the kernel drops the rest, each then waiting for its resend.
  // A query stopped while it waits is never sent: its exchange ends at once (exchange.ts).
  const limit = pLimit(settings.maxInFlight);
  return settings.shareLoopbackSockets && isLoopbackHost(serverLabel(server))
    ? { limit, lanes: new UdpLanes(server) }
    : { limit };
}

/** `qname` is normalized (names.ts); `stop` is the shared exchange's (shared-queries.ts). */
async function query<T extends DnsRecordType>(
  settings: Settings,
  routes: Map<DnsServer, Route>,
  qname: string,
  type: T,
  stop: Stop,
  checkingDisabled: boolean,
): Promise<DnsResult<DnsRecordTypes[T]>> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    const server = settings.servers[attempt % settings.servers.length] as DnsServer;
    try {
      // A fresh random id per attempt (RFC 5452 §4.3), so a late answer to one attempt cannot pose as another's.
      const id = randomId();
      const dnsQuery = buildQuery(qname, wireType(type), id, settings.udpPayload, checkingDisabled);
      const { timeoutMs, resendAfterMs } = settings;
      const { limit, lanes } = routes.get(server) as Route;
      const exchangeLimits = { timeoutMs, resendAfterMs, stop, ...(lanes ? { lanes } : {}) };
      const response = await limit(() => exchange(server, dnsQuery, exchangeLimits));
      const trustAd = settings.trustAd && !checkingDisabled;
      return interpret(response, qname, type, trustAd, serverLabel(server));
    } catch (error) {
      if (stop.isStopped || !(error instanceof DnsError)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

function interpret<T extends DnsRecordType>(
  response: DnsResponse,
  qname: string,
  type: T,
  trustAd: boolean,
  server: string,
): DnsResult<DnsRecordTypes[T]> {
  checkRcode(response.rcode, `${server} for ${qname} ${type}`);
  const secure = trustAd && response.authenticData;
  const cnames = type === 'CNAME' ? [] : followCnames(response.answers, qname);
  if (response.rcode === RCODE.NXDOMAIN) return { status: 'nxdomain', secure, cnames };
  const owner = cnames.at(-1) ?? qname;
  const rrset = response.answers.filter((record) => record.type === wireType(type) && record.name === owner);
  if (rrset.length === 0) return { status: 'nodata', secure, cnames };
  const records = rrset.map((record) => toRecord(type, record.data));
  return { status: 'answer', records, ttl: Math.min(...rrset.map((record) => record.ttl)), secure, cnames };
}

/** Lets NOERROR and NXDOMAIN through; every other RCODE is a failure of the server, not an answer. */
function checkRcode(rcode: number, context: string): void {
  if (rcode === RCODE.NOERROR || rcode === RCODE.NXDOMAIN) return;
  if (rcode === RCODE.REFUSED) throw new DnsRefusedError(`${context}: REFUSED`);
  throw new DnsServfailError(`${context}: ${rcode === RCODE.SERVFAIL ? 'SERVFAIL' : `RCODE ${rcode}`}`);
}

/**
 * The CNAME chain from `qname` as the resolver returned it in the answer section (RFC 1034 §4.3.2). A loop or an
 * over-long chain means resolution failed, as a resolver would report with SERVFAIL.
 */
function followCnames(answers: ResourceRecord[], qname: string): string[] {
  const aliasOf = (name: string) => answers.find((record) => record.type === 'CNAME' && record.name === name);
  const chain: string[] = [];
  for (let alias = aliasOf(qname); alias !== undefined;) {
    const target = toRecord('CNAME', alias.data);
    if (target === qname || chain.includes(target)) throw new DnsServfailError(`CNAME loop at ${target}`);
    if (chain.length === MAX_CNAMES) {
      throw new DnsServfailError(`more than ${MAX_CNAMES} CNAMEs from ${qname}`);
    }
    chain.push(target);
    alias = aliasOf(target);
  }
  return chain;
}

/**
 * Whether a SERVFAIL for `name`/`type` came from DNSSEC validation (bogus data) rather than from an unreachable
 * or broken server: asked again with CD set, a validating resolver then answers. False when that second answer
 * fails too, or when the first failure was not a SERVFAIL at all.
 */
export async function isDnssecFailure(
  dns: DnsClient,
  error: unknown,
  name: string,
  type: DnsRecordType,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!(error instanceof DnsServfailError)) return false;
  try {
    await dns.query(name, type, { checkingDisabled: true, ...(signal ? { signal } : {}) });
    return true;
  } catch (second) {
    if (signal?.aborted) throw second;
    return false;
  }
}
