/**
 * The transport check of one recipient domain: MX, then in parallel MTA-STS, TLS-RPT, and per MX host its TLSA
 * records and a STARTTLS probe of each address; then the verdict. One overall deadline bounds it: what is not
 * learnt by then leaves the verdict `unknown`, with the evidence gathered so far.
 */
import { setMaxListeners } from 'node:events';
import { normalizeDomain } from '../../core/addresses';
import { systemClock, type Clock } from '../../core/clock';
import { addressResolver, isDnssecFailure, type DnsClient } from '../dns';
import { lookupDane, type DaneState } from './dane-lookup';
import { describeDnsFailure, MAX_MX_HOSTS, resolveMx, type MxHost } from './mx';
import { getStsPolicy, type StsCache, type StsStatus } from './mta-sts';
import {
  daneReport,
  type AddressReport,
  type MxReport,
  type TlsRptReport,
  type TransportReport,
} from './report';
import { PROBE_LIMITS, unprobedReason } from './probe-budget';
import { probeSmtp, type SmtpProbeDeadlines, type SmtpProbeResult } from './smtp-probe';
import { parseTlsRptRecord } from './tls-rpt';
import { judgeAddress, judgeDomain } from './verdict';

export interface TransportCheckDeps {
  dns: DnsClient;
  heloName: string;
  allowPrivateAddresses: boolean;
  /** Extra trust roots for MX certificates and MTA-STS hosts (test beds, private CAs). */
  ca?: Buffer | string;
  /** MTA-STS policies between checks: one per process, made by whoever builds the service. */
  stsCache: StsCache;
  /** Runs each probe under the process-wide concurrency limit. */
  schedule: <T>(task: () => Promise<T>) => Promise<T>;
  probe?: typeof probeSmtp;
  probeDeadlines?: Partial<SmtpProbeDeadlines>;
  stsTimeoutMs?: number;
  /** Wall time for the report and certificate validity; monotonic time for the deadlines and timings. */
  clock?: Clock;
}

interface CheckOptions {
  /** The whole check, end to end. */
  deadlineMs: number;
  signal?: AbortSignal;
}

/** Reuse bounds: at least a minute so a burst of messages shares one check, at most an hour so changes show. */
const TTL_FLOOR_S = 60;
const TTL_CEILING_S = 3600;
const UNKNOWN_TTL_S = 30;
const NO_MAIL_TTL_S = 300;
/** Time left for the verdict after a probe gives up, with room for a busy event loop. */
const DEADLINE_MARGIN_MS = 500;

/** What has been learnt so far; filled in as the steps finish, read when they do or when the deadline passes. */
interface Progress {
  mx?: { implicit: boolean; secure: boolean; ttl: number; hosts: MxHost[]; skipped: number };
  noMail?: string;
  mxFailure?: string;
  sts?: StsStatus;
  tlsRpt?: TlsRptReport;
  dane: Map<string, DaneState>;
  probes: Map<string, SmtpProbeResult>;
}

function probeKey(hostname: string, address: string): string {
  return `${hostname} ${address}`;
}

async function lookupTlsRpt(domain: string, dns: DnsClient, signal: AbortSignal): Promise<TlsRptReport> {
  try {
    const answer = await dns.query(`_smtp._tls.${domain}`, 'TXT', { signal });
    const parsed = parseTlsRptRecord(answer.status === 'answer' ? answer.records : []);
    if (parsed.status === 'record') return { state: 'record', rua: parsed.rua };
    if (parsed.status === 'none') return { state: 'none' };
    return {
      state: 'invalid',
      reason: parsed.status === 'invalid' ? parsed.reason : `${parsed.count} records`,
    };
  } catch (error) {
    return { state: 'failed', reason: describeDnsFailure(error) };
  }
}

/**
 * Probe deadlines inside what is left of the check's own when the probe starts (after the MX lookup, and after
 * waiting its turn), so a slow server ends as "did not answer", not as an unfinished check.
 */
function probeDeadlinesWithin(
  deadlineAt: number,
  clock: Clock,
  configured: Partial<SmtpProbeDeadlines> = {},
): Partial<SmtpProbeDeadlines> {
  const leftMs = deadlineAt - clock.monotonic() - DEADLINE_MARGIN_MS;
  const totalMs = Math.max(100, Math.min(configured.totalMs ?? Infinity, leftMs));
  return { ...configured, totalMs };
}

async function checkHost(
  host: MxHost,
  mxSecure: boolean,
  deps: TransportCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  /** When the whole check ends, by the clock's monotonic time. */
  deadlineAt: number,
): Promise<void> {
  const probe = deps.probe ?? probeSmtp;
  const clock = deps.clock ?? systemClock;
  await Promise.all([
    lookupDane(host, mxSecure, deps.dns, signal).then(
      (state) => void progress.dane.set(host.hostname, state),
    ),
    ...host.addresses.map((address) =>
      deps
        .schedule(() =>
          probe(
            { mxHostname: host.hostname, address },
            {
              heloName: deps.heloName,
              allowPrivateAddresses: deps.allowPrivateAddresses,
              signal,
              ...(deps.ca ? { ca: deps.ca } : {}),
              clock,
              deadlines: probeDeadlinesWithin(deadlineAt, clock, deps.probeDeadlines),
            },
          ),
        )
        .then((result) => void progress.probes.set(probeKey(host.hostname, address), result)),
    ),
  ]);
}

async function gather(
  domain: string,
  deps: TransportCheckDeps,
  progress: Progress,
  signal: AbortSignal,
  deadlineAt: number,
) {
  const sts = getStsPolicy(domain, {
    lookupTxt: (name) => deps.dns.query(name, 'TXT', { signal }),
    resolveAddresses: addressResolver(deps.dns),
    allowPrivateAddresses: deps.allowPrivateAddresses,
    ...(deps.ca ? { ca: deps.ca } : {}),
    cache: deps.stsCache,
    ...(deps.clock ? { clock: deps.clock } : {}),
    ...(deps.stsTimeoutMs ? { timeoutMs: deps.stsTimeoutMs } : {}),
  }).then((status) => void (progress.sts = status));
  const tlsRpt = lookupTlsRpt(domain, deps.dns, signal).then((report) => void (progress.tlsRpt = report));
  const hosts = resolveMx(domain, deps.dns, signal).then(
    async (mx) => {
      if (mx.kind === 'no-mail') {
        progress.noMail = mx.reason;
        return;
      }
      progress.mx = mx;
      await Promise.all(
        mx.hosts.map((host) => checkHost(host, mx.secure, deps, progress, signal, deadlineAt)),
      );
    },
    async (error: unknown) => {
      const bogus = await isDnssecFailure(deps.dns, error, domain, 'MX', signal).catch(() => false);
      progress.mxFailure = bogus
        ? `the MX records of ${domain} fail DNSSEC validation (bogus: the validating resolver refuses them, ` +
          `${describeDnsFailure(error)}), so no sender can trust where its mail goes`
        : `the MX lookup failed (${describeDnsFailure(error)})`;
    },
  );
  await Promise.all([sts, tlsRpt, hosts]);
}

/** Stands in for a TLSA lookup the deadline cut short, so the probes of that host still show in the report. */
const DANE_PENDING: DaneState = { state: 'failed', reason: 'the TLSA lookup did not finish in time' };

function addressReports(host: MxHost, progress: Progress, sts: StsStatus, now: Date): AddressReport[] {
  const dane = progress.dane.get(host.hostname) ?? DANE_PENDING;
  return host.addresses.flatMap((address) => {
    const result = progress.probes.get(probeKey(host.hostname, address));
    if (!result) return [];
    const { mxHostname: _host, ...evidence } = result.evidence;
    const judgement = judgeAddress({
      hostname: host.hostname,
      evidence: result.evidence,
      chain: result.chain,
      dane,
      sts,
      now,
    });
    return [{ ...evidence, ...judgement }];
  });
}

function ttlOf(progress: Progress, verdictKnown: boolean, now: Date): number {
  if (!verdictKnown) return UNKNOWN_TTL_S;
  // A domain that accepts no mail today may be set up tomorrow: a negative answer is kept briefly.
  if (progress.noMail !== undefined) return NO_MAIL_TTL_S;
  const limits = [progress.mx?.ttl ?? TTL_CEILING_S];
  if (progress.sts?.state === 'policy')
    limits.push((Date.parse(progress.sts.expiresAt) - now.getTime()) / 1000);
  return Math.round(Math.min(TTL_CEILING_S, Math.max(TTL_FLOOR_S, Math.min(...limits))));
}

/** At most this many unfinished steps are named; the rest are counted. */
const MAX_UNFINISHED_NAMED = 5;

/** Which steps the deadline cut short, in the order a reader needs them: the reason an incomplete check gives. */
function unfinishedSteps(progress: Progress): string[] {
  if (!progress.mx && progress.noMail === undefined && progress.mxFailure === undefined)
    return ['the MX lookup'];
  const steps: string[] = [];
  if (!progress.sts) steps.push('the MTA-STS policy check');
  if (!progress.tlsRpt) steps.push('the TLS-RPT lookup');
  for (const host of progress.mx?.hosts ?? []) {
    if (!progress.dane.has(host.hostname)) steps.push(`the TLSA lookup for ${host.hostname}`);
    for (const address of host.addresses) {
      if (!progress.probes.has(probeKey(host.hostname, address)))
        steps.push(`the STARTTLS probe of ${host.hostname} (${address})`);
    }
  }
  return steps;
}

function unfinishedReason(progress: Progress, deadlineMs: number): string {
  const steps = unfinishedSteps(progress);
  const named = steps.slice(0, MAX_UNFINISHED_NAMED);
  const more = steps.length - named.length;
  const list = named.join(', ') + (more > 0 ? ` and ${more} more steps` : '');
  return `the check did not finish within ${deadlineMs} ms: ${list || 'the verdict'} did not finish`;
}

function report(
  domain: string,
  progress: Progress,
  incomplete: boolean,
  now: Date,
  elapsedMs: number,
  deadlineMs: number,
): TransportReport {
  const sts = progress.sts ?? {
    state: 'failed',
    code: 'STS_PENDING',
    reason: 'the MTA-STS check did not finish in time',
    resultType: 'sts-policy-fetch-error',
  };
  const mx: MxReport[] = (progress.mx?.hosts ?? []).map((host) => ({
    hostname: host.hostname,
    preference: host.preference,
    addresses: addressReports(host, progress, sts, now),
    ...(host.addressError ? { addressError: host.addressError } : {}),
    ...(host.unprobedAddresses ? { unprobedAddresses: host.unprobedAddresses } : {}),
    dane: daneReport(progress.dane.get(host.hostname) ?? DANE_PENDING),
  }));
  const judged =
    progress.noMail !== undefined
      ? { verdict: 'no-mail' as const, reasons: [progress.noMail] }
      : progress.mxFailure !== undefined
        ? { verdict: 'unknown' as const, reasons: [progress.mxFailure] }
        : judgeDomain(
            mx.flatMap((host) => host.addresses),
            [
              ...mx.flatMap((host) => (host.addressError ? [`${host.hostname}: ${host.addressError}`] : [])),
              ...(progress.mx?.skipped ? [`${progress.mx.skipped} further MX hosts were not checked`] : []),
              ...(progress.mx?.hosts ?? []).flatMap((host) => unprobedReason(host)),
            ],
          );
  const verdict = incomplete ? 'unknown' : judged.verdict;
  const reasons = incomplete ? [unfinishedReason(progress, deadlineMs), ...judged.reasons] : judged.reasons;
  return {
    domain,
    verdict,
    reasons,
    checkedAt: now.toISOString(),
    incomplete,
    implicitMx: progress.mx?.implicit ?? false,
    mxSecure: progress.mx?.secure ?? false,
    mx,
    mtaSts: progress.sts ?? { state: 'pending' },
    tlsRpt: progress.tlsRpt ?? { state: 'pending' },
    ttlSeconds: ttlOf(progress, verdict !== 'unknown', now),
    timings: { totalMs: Math.round(elapsedMs) },
  };
}

/** Throws DomainError for a string that is not a domain name; every remote failure ends up in the report. */
export async function checkDomain(
  input: string,
  deps: TransportCheckDeps,
  options: CheckOptions,
): Promise<TransportReport> {
  const domain = normalizeDomain(input);
  const clock = deps.clock ?? systemClock;
  const started = clock.monotonic();
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  // Every probe and DNS query of the check listens on this one signal: up to PROBE_LIMITS.perDomain probes and the
  // lookups of MAX_MX_HOSTS hosts at once, past the 10 listeners at which Node warns of a leak.
  setMaxListeners(PROBE_LIMITS.perDomain + 4 * MAX_MX_HOSTS, signal);
  const progress: Progress = { dane: new Map(), probes: new Map() };
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
    const elapsedMs = clock.monotonic() - started;
    return report(
      domain,
      progress,
      outcome === 'deadline',
      new Date(clock.now()),
      elapsedMs,
      options.deadlineMs,
    );
  } finally {
    clearTimeout(timer);
    // Whatever is still running (a slow probe, a DNS retry) stops now rather than outliving the check.
    controller.abort(new Error('the transport check is over'));
  }
}
