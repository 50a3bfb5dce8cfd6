/**
 * The mailbox-access check of one domain: in parallel the six RFC 6186 SRV names, the two autoconfig files and
 * the MX (for a recognised provider); then a probe of each advertised endpoint at up to two addresses; then the
 * verdict. One overall deadline bounds it: what is not learnt by then leaves the verdict `unknown`, with the
 * evidence gathered so far.
 */
import { setMaxListeners } from 'node:events';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { WIRE_LIMITS } from '../../core/evaluate/wire-limits';
import { addressResolver, lookupAddresses, type DnsClient } from '../dns';
import type { HttpsGet } from '../net/https-get';
import { describeDnsFailure } from '../transport/mx';
import { probeAccess, type AccessProbeResult } from './access-probe';
import { autoconfigUrls, fetchAutoconfig, type AutoconfigResult } from './autoconfig-fetch';
import {
  endpointName,
  MAX_ADDRESSES_PER_HOST,
  MAX_ENDPOINTS,
  mergeEndpoints,
  type Endpoint,
} from './endpoints';
import { recogniseProvider, type Provider } from './providers';
import type { EndpointReport, EndpointTls, MailboxAccessReport } from './report';
import type { TlsFacts } from '../transport/tls-facts';
import { discoverSrv, type SrvDiscovery } from './srv';
import { judgeEndpoint, worstKnown, type Judgement } from './verdict';

export interface MailboxCheckDeps {
  dns: DnsClient;
  allowPrivateAddresses: boolean;
  /** Extra trust roots for endpoint certificates and autoconfig hosts (test beds, private CAs). */
  ca?: Buffer | string;
  /** Runs each probe under the process-wide concurrency limit. */
  schedule: <T>(task: () => Promise<T>) => Promise<T>;
  /** Wall time for the report; monotonic time for the deadline and timings. */
  clock?: Clock;
  /** The name a submission probe sends in EHLO. */
  heloName?: string;
  probe?: typeof probeAccess;
  httpsGet?: HttpsGet;
}

interface CheckOptions {
  /** The whole check, end to end. */
  deadlineMs: number;
  signal?: AbortSignal;
}

const DEFAULT_HELO_NAME = 'sendguard.invalid';
/** Reuse bounds, as for transport reports: a burst of messages shares one check, changes show within the hour. */
const TTL_FLOOR_S = 60;
const TTL_CEILING_S = 3600;
const UNKNOWN_TTL_S = 30;
/** Time left for the verdict after a probe gives up, with room for a busy event loop. */
const DEADLINE_MARGIN_MS = 500;
/** No single probe or fetch needs longer; a server that takes more is not answering. */
const STEP_CEILING_MS = 20_000;

/** What has been learnt so far; filled in as the steps finish, read when they do or when the deadline passes. */
interface Progress {
  srv?: SrvDiscovery;
  autoconfig: Map<string, AutoconfigResult>;
  mx?: { hosts: string[]; ttl: number } | { failure: string };
  provider?: { provider: Provider; mx: string };
  endpoints?: Endpoint[];
  droppedEndpoints: number;
  /** Per endpoint key: the addresses to probe, or why there are none. */
  addresses: Map<string, { addresses: string[] } | { error: string }>;
  probes: Map<string, AccessProbeResult>;
}

function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.protocol} ${endpoint.host} ${endpoint.port}`;
}

function probeKey(endpoint: Endpoint, address: string): string {
  return `${endpointKey(endpoint)} ${address}`;
}

async function lookupMx(
  domain: string,
  dns: DnsClient,
  signal: AbortSignal,
): Promise<NonNullable<Progress['mx']>> {
  try {
    const answer = await dns.query(domain, 'MX', { signal });
    if (answer.status !== 'answer') return { hosts: [], ttl: TTL_CEILING_S };
    return {
      hosts: answer.records.map((record) => record.exchange).filter((host) => host !== ''),
      ttl: answer.ttl,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    return { failure: describeDnsFailure(error) };
  }
}

function stepMs(deadlineAt: number, clock: Clock): number {
  return Math.max(100, Math.min(STEP_CEILING_MS, deadlineAt - clock.monotonic() - DEADLINE_MARGIN_MS));
}

async function discover(
  domain: string,
  deps: MailboxCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadlineAt: number,
) {
  const clock = deps.clock ?? systemClock;
  const resolveAddresses = addressResolver(deps.dns);
  await Promise.all([
    discoverSrv(domain, deps.dns, signal).then((srv) => void (progress.srv = srv)),
    lookupMx(domain, deps.dns, signal).then((mx) => void (progress.mx = mx)),
    ...autoconfigUrls(domain).map((url) =>
      fetchAutoconfig(url, domain, {
        resolveAddresses,
        allowPrivateAddresses: deps.allowPrivateAddresses,
        ...(deps.ca === undefined ? {} : { ca: deps.ca }),
        timeoutMs: stepMs(deadlineAt, clock),
        signal,
        ...(deps.httpsGet ? { get: deps.httpsGet } : {}),
      }).then((result) => void progress.autoconfig.set(url, result)),
    ),
  ]);
}

/** The provider's documented endpoints first, then what the domain advertises, merged and capped. */
function chooseEndpoints(progress: Progress): void {
  const mx = progress.mx && 'hosts' in progress.mx ? progress.mx.hosts : [];
  const recognised = recogniseProvider(mx);
  if (recognised) progress.provider = recognised;
  const documented: Endpoint[] = (recognised?.provider.endpoints ?? []).map((endpoint) => ({
    ...endpoint,
    foundBy: ['provider'],
  }));
  const advertised = [
    ...(progress.srv?.state === 'records' ? progress.srv.endpoints : []),
    ...[...progress.autoconfig.values()].flatMap((result) => result.endpoints),
  ];
  const { endpoints, dropped } = mergeEndpoints([...documented, ...advertised]);
  progress.endpoints = endpoints;
  progress.droppedEndpoints = dropped;
}

/** IPv4 and IPv6 taken turn about, so a host with both families is sampled in each. */
function sample(addresses: readonly string[]): string[] {
  const v4 = addresses.filter((address) => !address.includes(':'));
  const v6 = addresses.filter((address) => address.includes(':'));
  const mixed = v4.flatMap((address, i) => [address, ...(v6[i] ? [v6[i]] : [])]).concat(v6.slice(v4.length));
  return [...new Set(mixed)].slice(0, MAX_ADDRESSES_PER_HOST);
}

async function probeEndpoint(
  endpoint: Endpoint,
  deps: MailboxCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadlineAt: number,
) {
  const clock = deps.clock ?? systemClock;
  const found = await lookupAddresses(deps.dns, endpoint.host, signal);
  if (found.addresses.length === 0) {
    const error = found.failure
      ? `the address lookup failed (${describeDnsFailure(found.failure)})`
      : 'has no address';
    progress.addresses.set(endpointKey(endpoint), { error });
    return;
  }
  const addresses = sample(found.addresses);
  progress.addresses.set(endpointKey(endpoint), { addresses });
  const probe = deps.probe ?? probeAccess;
  await Promise.all(
    addresses.map((address) =>
      deps
        .schedule(() =>
          probe(
            {
              protocol: endpoint.protocol,
              host: endpoint.host,
              address,
              port: endpoint.port,
              security: endpoint.security,
            },
            {
              allowPrivateAddresses: deps.allowPrivateAddresses,
              ...(deps.ca === undefined ? {} : { ca: deps.ca }),
              heloName: deps.heloName ?? DEFAULT_HELO_NAME,
              totalMs: stepMs(deadlineAt, clock),
              signal,
              clock,
            },
          ),
        )
        .then((result) => void progress.probes.set(probeKey(endpoint, address), result)),
    ),
  );
}

async function gather(
  domain: string,
  deps: MailboxCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadlineAt: number,
) {
  await discover(domain, deps, progress, signal, deadlineAt);
  chooseEndpoints(progress);
  const probed = (progress.endpoints ?? []).filter((endpoint) => !endpoint.foundBy.includes('provider'));
  await Promise.all(probed.map((endpoint) => probeEndpoint(endpoint, deps, progress, signal, deadlineAt)));
}

type JudgedEndpoint = EndpointReport & { judgement: Judgement };

/** The evidence of a completed handshake as the report gives it. */
function tlsReport(tls: TlsFacts): EndpointTls {
  const certificate = tls.certificate;
  return {
    version: tls.version,
    cipher: tls.cipher,
    certificate: certificate
      ? {
          trusted: certificate.trusted,
          ...(certificate.trustError ? { trustError: certificate.trustError } : {}),
          nameMatches: certificate.nameMatches,
          notAfter: certificate.notAfter,
        }
      : { trusted: false, trustError: 'NO_CERTIFICATE', nameMatches: false, notAfter: '' },
  };
}

function probedReport(
  endpoint: Endpoint,
  address: string,
  probe: AccessProbeResult | undefined,
): JudgedEndpoint {
  const judgement = judgeEndpoint(endpoint, probe);
  return {
    ...endpointBase(endpoint),
    verdict: judgement.verdict,
    ...(judgement.reasons.length > 0 ? { reasons: judgement.reasons } : {}),
    address,
    outcome: probe?.outcome ?? 'not-probed',
    ...(probe?.tls ? { tls: tlsReport(probe.tls) } : {}),
    ...(probe?.starttls === undefined ? {} : { starttls: probe.starttls }),
    ...(probe?.plaintextLogin === undefined ? {} : { plaintextLogin: probe.plaintextLogin }),
    timings: probe?.timings ?? {},
    judgement,
  };
}

/** An endpoint with no address to probe: `unknown`, unless its autoconfig file alone makes it `plaintext`. */
function unprobedReport(endpoint: Endpoint, addressError: string | undefined): JudgedEndpoint {
  const judged = judgeEndpoint(endpoint, undefined);
  const judgement =
    endpoint.plainIn === undefined && addressError !== undefined
      ? { verdict: 'unknown' as const, reasons: [`${endpointName(endpoint)} ${addressError}`] }
      : judged;
  const { verdict, reasons } = judgement;
  return { ...endpointBase(endpoint), verdict, reasons, outcome: 'not-probed', timings: {}, judgement };
}

function endpointBase(endpoint: Endpoint) {
  const { protocol, host, port, security, foundBy } = endpoint;
  return { protocol, host, port, security, foundBy };
}

/** One report per endpoint and address probed; one without an address when there was none to probe. */
function endpointReports(progress: Progress): JudgedEndpoint[] {
  return (progress.endpoints ?? []).flatMap((endpoint): JudgedEndpoint[] => {
    if (endpoint.foundBy.includes('provider')) {
      const verdict = progress.provider?.provider.verdict ?? 'unknown';
      const judgement = { verdict, reasons: [] };
      return [{ ...endpointBase(endpoint), verdict, outcome: 'not-probed', timings: {}, judgement }];
    }
    const addresses = progress.addresses.get(endpointKey(endpoint));
    if (!addresses || 'error' in addresses) return [unprobedReport(endpoint, addresses?.error)];
    return addresses.addresses.map((address) =>
      probedReport(endpoint, address, progress.probes.get(probeKey(endpoint, address))),
    );
  });
}

/** Why nothing answered or nothing was found: the first reason of an `unknown` domain. */
function nothingKnownReason(domain: string, progress: Progress, reports: readonly EndpointReport[]): string {
  if (reports.length > 0) {
    return `none of the endpoints ${domain} advertises answered a probe, so how its users reach their mail is not known`;
  }
  const srv = progress.srv;
  if (srv?.state === 'records' && srv.endpoints.length === 0) {
    return (
      `every SRV record of ${domain} says the service is not offered ("."), and no autoconfig file lists a server: ` +
      'how its users reach their mail is not advertised'
    );
  }
  return (
    `${domain} advertises no IMAP, POP3 or submission server (no RFC 6186 SRV record, no autoconfig file) and its ` +
    'MX is not a recognised mail provider: how its users reach their mail could not be checked'
  );
}

/** Discovery's own troubles, worth a reason whatever the verdict. */
function discoveryReasons(progress: Progress): string[] {
  const reasons: string[] = [];
  if (progress.srv?.state === 'failed') reasons.push(progress.srv.reason);
  if (progress.srv?.state === 'records' && progress.srv.failures.length > 0)
    reasons.push(`some SRV lookups failed (${progress.srv.failures.join('; ')})`);
  for (const result of progress.autoconfig.values())
    if (result.report.state === 'failed' && result.report.reason) reasons.push(result.report.reason);
  if (progress.mx && 'failure' in progress.mx)
    reasons.push(`the MX lookup failed (${progress.mx.failure}), so no hosted provider could be recognised`);
  if (progress.droppedEndpoints > 0)
    reasons.push(
      `${progress.droppedEndpoints} further endpoints were not checked (at most ${MAX_ENDPOINTS} are)`,
    );
  return reasons;
}

function judgeDomain(domain: string, progress: Progress, reports: readonly JudgedEndpoint[]): Judgement {
  const verdict = worstKnown(reports.map((report) => report.verdict));
  const recognised = progress.provider;
  const providerReason = recognised
    ? [
        `recognised as ${recognised.provider.name} from its MX ${recognised.mx}: ${recognised.provider.basis} (${recognised.provider.source})`,
      ]
    : [];
  const deciding = reports
    .filter((report) => report.verdict === verdict)
    .flatMap((report) => report.judgement.reasons);
  const others = reports
    .filter((report) => report.verdict !== verdict)
    .flatMap((report) => report.judgement.reasons);
  if (verdict === 'unknown' && !recognised) {
    return {
      verdict,
      reasons: [nothingKnownReason(domain, progress, reports), ...deciding, ...discoveryReasons(progress)],
    };
  }
  const summary =
    verdict === 'tls-only' && !recognised
      ? [
          `every endpoint ${domain} advertises that answered requires TLS before login: ${[...new Set(reports.filter((r) => r.verdict === 'tls-only').map(endpointName))].join(', ')}`,
        ]
      : [];
  const first = verdict === 'tls-only' || verdict === 'unknown' ? [...providerReason, ...summary] : [];
  return {
    verdict,
    reasons: unique([
      ...first,
      ...deciding,
      ...(first.length ? [] : providerReason),
      ...others,
      ...discoveryReasons(progress),
    ]),
  };
}

function unique(reasons: string[]): string[] {
  return [...new Set(reasons)];
}

/** The wire's bounds on reasons (core/evaluate/wire-limits.ts): a hostile server's text must not break them. */
function withinWireLimits(reasons: readonly string[]): string[] {
  return reasons
    .slice(0, WIRE_LIMITS.reasonsMax)
    .map((reason) =>
      reason.length > WIRE_LIMITS.reasonMax ? `${reason.slice(0, WIRE_LIMITS.reasonMax - 1)}…` : reason,
    );
}

function ttlOf(progress: Progress, verdictKnown: boolean): number {
  if (!verdictKnown) return UNKNOWN_TTL_S;
  const limits = [TTL_CEILING_S];
  if (progress.srv?.state === 'records') limits.push(progress.srv.ttl);
  if (progress.mx && 'ttl' in progress.mx) limits.push(progress.mx.ttl);
  return Math.round(Math.min(TTL_CEILING_S, Math.max(TTL_FLOOR_S, Math.min(...limits))));
}

/** Which steps the deadline cut short, named for the reason an incomplete check gives. */
function unfinishedSteps(domain: string, progress: Progress): string[] {
  if (!progress.endpoints) {
    return [
      ...(progress.srv ? [] : [`the SRV lookups for ${domain}`]),
      ...(progress.mx ? [] : [`the MX lookup for ${domain}`]),
      ...autoconfigUrls(domain)
        .filter((url) => !progress.autoconfig.has(url))
        .map((url) => `the fetch of ${url}`),
    ];
  }
  return progress.endpoints.flatMap((endpoint) => {
    if (endpoint.foundBy.includes('provider')) return [];
    const addresses = progress.addresses.get(endpointKey(endpoint));
    if (!addresses) return [`the address lookup for ${endpoint.host}`];
    if ('error' in addresses) return [];
    return addresses.addresses
      .filter((address) => !progress.probes.has(probeKey(endpoint, address)))
      .map((address) => `the probe of ${endpointName(endpoint)} (${address})`);
  });
}

const MAX_UNFINISHED_NAMED = 5;

function unfinishedReason(domain: string, progress: Progress, deadlineMs: number): string {
  const steps = unfinishedSteps(domain, progress);
  const named = steps.slice(0, MAX_UNFINISHED_NAMED);
  const more = steps.length - named.length;
  const list = named.join(', ') + (more > 0 ? ` and ${more} more steps` : '');
  return `the mailbox-access check of ${domain} did not finish within ${deadlineMs} ms: ${list || 'the verdict'} did not finish`;
}

function report(
  domain: string,
  progress: Progress,
  incomplete: boolean,
  now: Date,
  elapsedMs: number,
  deadlineMs: number,
): MailboxAccessReport {
  const judged = endpointReports(progress);
  const domainJudgement = judgeDomain(domain, progress, judged);
  const verdict = incomplete ? 'unknown' : domainJudgement.verdict;
  const reasons = incomplete
    ? [unfinishedReason(domain, progress, deadlineMs), ...domainJudgement.reasons]
    : domainJudgement.reasons;
  const recognised = progress.provider;
  return {
    domain,
    verdict,
    reasons: withinWireLimits(reasons),
    checkedAt: now.toISOString(),
    incomplete,
    ...(recognised
      ? {
          provider: { name: recognised.provider.name, source: recognised.provider.source, mx: recognised.mx },
        }
      : {}),
    endpoints: judged.map(({ judgement: _judgement, ...endpoint }) => endpoint),
    srv: srvReport(progress.srv),
    autoconfig: autoconfigUrls(domain).map(
      (url) =>
        progress.autoconfig.get(url)?.report ?? {
          url,
          state: 'failed',
          reason: `the fetch of ${url} did not finish in time`,
        },
    ),
    ttlSeconds: ttlOf(progress, verdict !== 'unknown'),
    timings: { totalMs: Math.round(elapsedMs) },
  };
}

function srvReport(srv: SrvDiscovery | undefined): MailboxAccessReport['srv'] {
  if (!srv) return { state: 'failed', reason: 'the SRV lookups did not finish in time' };
  if (srv.state === 'failed') return { state: 'failed', reason: srv.reason };
  if (srv.state === 'none') return { state: 'none' };
  return {
    state: 'records',
    ...(srv.notOffered.length > 0 ? { reason: `not offered ("."): ${srv.notOffered.join(', ')}` } : {}),
  };
}

/** Throws DomainError for a string that is not a domain name; every remote failure ends up in the report. */
export async function checkMailboxAccess(
  input: string,
  deps: MailboxCheckDeps,
  options: CheckOptions,
): Promise<MailboxAccessReport> {
  const domain = normalizeDomain(input);
  const clock = deps.clock ?? systemClock;
  const started = clock.monotonic();
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  // Every probe, fetch and DNS query of the check listens on this one signal.
  setMaxListeners(4 * MAX_ENDPOINTS * MAX_ADDRESSES_PER_HOST + 32, signal);
  const progress: Progress = {
    autoconfig: new Map(),
    droppedEndpoints: 0,
    addresses: new Map(),
    probes: new Map(),
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>(
    (resolve) => (timer = setTimeout(() => resolve('deadline'), options.deadlineMs)),
  );
  try {
    const outcome = await Promise.race([
      gather(domain, deps, progress, signal, started + options.deadlineMs).then(() => 'done' as const),
      deadline,
    ]);
    if (options.signal?.aborted) throw options.signal.reason;
    return report(
      domain,
      progress,
      outcome === 'deadline',
      new Date(clock.now()),
      clock.monotonic() - started,
      options.deadlineMs,
    );
  } finally {
    clearTimeout(timer);
    // Whatever is still running (a slow probe, a DNS retry) stops now rather than outliving the check.
    controller.abort(new Error('the mailbox-access check is over'));
  }
}
