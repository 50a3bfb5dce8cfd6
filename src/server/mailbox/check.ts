/**
 * The mailbox-access check of one domain: in parallel the six RFC 6186 SRV names, the two autoconfig files and
 * the MX (for a recognised provider); then a probe of each advertised endpoint at up to two addresses; then the
 * verdict. One overall deadline bounds it: what is not learnt by then leaves the verdict `unknown`, with the
 * evidence gathered so far.
 */
import { setMaxListeners } from 'node:events';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { addressResolver, lookupAddresses, type DnsClient } from '../dns';
import type { HttpsGet } from '../net/https-get';
import { describeDnsFailure } from '../transport/mx';
import { selectProbeAddresses } from '../transport/probe-budget';
import { probeAccess } from './access-probe';
import { autoconfigUrls, fetchAutoconfig } from './autoconfig-fetch';
import { buildReport, TTL_CEILING_S } from './build-report';
import {
  endpointKey,
  isProbed,
  MAX_ADDRESSES_PER_HOST,
  MAX_ENDPOINTS,
  mergeEndpoints,
  type Endpoint,
} from './endpoints';
import { probeKey, type Progress } from './progress';
import { recogniseProvider } from './providers';
import type { MailboxAccessReport } from './report';
import { discoverSrv } from './srv';

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
/** Time left for the verdict after a probe gives up, with room for a busy event loop. */
const DEADLINE_MARGIN_MS = 500;
/** No single probe or fetch needs longer; a server that takes more is not answering. */
const STEP_CEILING_MS = 20_000;
/**
 * The share of the check's deadline the autoconfig fetches may take: probing waits for discovery, so a stalling
 * autoconfig host must leave the probes of what SRV found most of the time.
 */
const AUTOCONFIG_SHARE = 1 / 3;
const AUTOCONFIG_FLOOR_MS = 1000;

async function lookupMx(
  domain: string,
  dns: DnsClient,
  signal: AbortSignal,
): Promise<NonNullable<Progress['mx']>> {
  try {
    const answer = await dns.query(domain, 'MX', { signal });
    if (answer.status !== 'answer') return { hosts: [], ttl: TTL_CEILING_S };
    return {
      hosts: answer.records
        .filter((record) => record.exchange !== '')
        .map((record) => ({ preference: record.preference, host: record.exchange })),
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
  deadline: { at: number; ms: number },
) {
  const clock = deps.clock ?? systemClock;
  const autoconfigMs = Math.min(
    stepMs(deadline.at, clock),
    Math.max(AUTOCONFIG_FLOOR_MS, deadline.ms * AUTOCONFIG_SHARE),
  );
  const resolveAddresses = addressResolver(deps.dns);
  await Promise.all([
    discoverSrv(domain, deps.dns, signal).then((srv) => void (progress.srv = srv)),
    lookupMx(domain, deps.dns, signal).then((mx) => void (progress.mx = mx)),
    ...autoconfigUrls(domain).map((url) =>
      fetchAutoconfig(url, domain, {
        resolveAddresses,
        allowPrivateAddresses: deps.allowPrivateAddresses,
        ...(deps.ca === undefined ? {} : { ca: deps.ca }),
        timeoutMs: autoconfigMs,
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

/** The addresses to probe, IPv4 and IPv6 taken turn about (probe-budget.ts), so both families are sampled. */
function sample(addresses: readonly string[]): string[] {
  const limit = { perHost: MAX_ADDRESSES_PER_HOST, perDomain: MAX_ADDRESSES_PER_HOST };
  return selectProbeAddresses([addresses], limit)[0]?.probed ?? [];
}

async function probeEndpoint(
  endpoint: Endpoint,
  deps: MailboxCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadlineAt: number,
  lookups: HostLookups,
) {
  const clock = deps.clock ?? systemClock;
  const found = await lookups.of(endpoint.host);
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

/** One address lookup per host name, however many of the domain's endpoints share it (IMAP on 993 and 143). */
interface HostLookups {
  of(host: string): ReturnType<typeof lookupAddresses>;
}

function hostLookups(dns: DnsClient, signal: AbortSignal): HostLookups {
  const started = new Map<string, ReturnType<typeof lookupAddresses>>();
  return {
    of(host) {
      let lookup = started.get(host);
      if (!lookup) {
        lookup = lookupAddresses(dns, host, signal);
        started.set(host, lookup);
      }
      return lookup;
    },
  };
}

async function gather(
  domain: string,
  deps: MailboxCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadline: { at: number; ms: number },
) {
  await discover(domain, deps, progress, signal, deadline);
  chooseEndpoints(progress);
  const probed = (progress.endpoints ?? []).filter(isProbed);
  const lookups = hostLookups(deps.dns, signal);
  await Promise.all(
    probed.map((endpoint) => probeEndpoint(endpoint, deps, progress, signal, deadline.at, lookups)),
  );
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
      gather(domain, deps, progress, signal, {
        at: started + options.deadlineMs,
        ms: options.deadlineMs,
      }).then(() => 'done' as const),
      deadline,
    ]);
    if (options.signal?.aborted) throw options.signal.reason;
    return buildReport(domain, progress, {
      incomplete: outcome === 'deadline',
      now: new Date(clock.now()),
      elapsedMs: clock.monotonic() - started,
      deadlineMs: options.deadlineMs,
    });
  } finally {
    clearTimeout(timer);
    // Whatever is still running (a slow probe, a DNS retry) stops now rather than outliving the check.
    controller.abort(new Error('the mailbox-access check is over'));
  }
}
