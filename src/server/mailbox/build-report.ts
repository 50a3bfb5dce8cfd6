/**
 * A mailbox-access check's findings as its report: one entry per endpoint and address probed, the domain's
 * verdict with its reasons in the order a reader needs them, the TTL, and, when the deadline cut the check short,
 * which steps did not finish.
 */
import { WIRE_LIMITS } from '../../core/evaluate/wire-limits';
import type { TlsFacts } from '../transport/tls-facts';
import type { AccessProbeResult } from './access-probe';
import { autoconfigUrls } from './autoconfig-fetch';
import { endpointKey, endpointName, isProbed, MAX_ENDPOINTS, type Endpoint } from './endpoints';
import { probeKey, type Progress } from './progress';
import type { EndpointReport, EndpointTls, MailboxAccessReport } from './report';
import type { SrvDiscovery } from './srv';
import { judgeEndpoint, worstKnown, type Judgement } from './verdict';

/** Reuse bounds, as for transport reports: a burst of messages shares one check, changes show within the hour. */
export const TTL_CEILING_S = 3600;
const TTL_FLOOR_S = 60;
const UNKNOWN_TTL_S = 30;

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
    const addresses = isProbed(endpoint) ? progress.addresses.get(endpointKey(endpoint)) : undefined;
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
    const noFile = 'and no autoconfig file lists a server: how its users reach their mail is not advertised';
    if (srv.unusable.length === 0)
      return `every SRV record of ${domain} says the service is not offered ("."), ${noFile}`;
    const dots = srv.notOffered.length > 0 ? `; the others say the service is not offered (".")` : '';
    return (
      `the SRV records of ${domain} name no server a mail client could use (${srv.unusable.length} unusable: ` +
      `${srv.unusable.join(', ')})${dots}, ${noFile}`
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
  const dropped = progress.droppedEndpoints;
  if (dropped > 0) {
    const were = dropped === 1 ? 'endpoint was' : 'endpoints were';
    reasons.push(`${dropped} further advertised ${were} not checked (at most ${MAX_ENDPOINTS} are)`);
  }
  return reasons;
}

/**
 * Whether some advertised endpoint may have gone unseen: an SRV lookup failed, or endpoints beyond the cap were not
 * checked. Either leaves tls-only unproven. A failed autoconfig fetch does not: most domains run no web server there.
 */
function discoveryGaps(progress: Progress): boolean {
  const srv = progress.srv;
  const srvFailed = srv?.state === 'failed' || (srv?.state === 'records' && srv.failures.length > 0);
  return srvFailed || progress.droppedEndpoints > 0;
}

/**
 * The advertised endpoints none of whose addresses gave an answer: any of them may take logins in the clear, so
 * tls-only, a claim about every endpoint, cannot stand beside them (a plaintext one found elsewhere still does).
 * One address answering is enough for an endpoint: a prober without IPv6 reaches only part of a host.
 */
function unanswered(reports: readonly JudgedEndpoint[]): string[] {
  const answered = new Set<string>();
  const all = new Set<string>();
  for (const report of reports) {
    if (report.foundBy.includes('provider')) continue;
    const name = endpointName(report);
    all.add(name);
    if (report.verdict !== 'unknown') answered.add(name);
  }
  return [...all].filter((name) => !answered.has(name));
}

function providerReason({ provider, mx }: NonNullable<Progress['provider']>): string {
  return `recognised as ${provider.name} from its MX ${mx}: ${provider.basis} (${provider.source})`;
}

function reasonsOf(reports: readonly JudgedEndpoint[]): string[] {
  return reports.flatMap((report) => report.judgement.reasons);
}

/**
 * What makes a domain tls-only: its provider's documentation, and the endpoints it advertises that answered.
 * Their own reasons are only notes (a certificate, an old protocol version), so these come first.
 */
function tlsOnlyHeadline(domain: string, progress: Progress, reports: readonly JudgedEndpoint[]): string[] {
  const probed = reports.filter((report) => report.verdict === 'tls-only' && report.outcome !== 'not-probed');
  const names = unique(probed.map(endpointName));
  return [
    ...(progress.provider ? [providerReason(progress.provider)] : []),
    ...(names.length > 0
      ? [`every endpoint ${domain} advertises that answered requires TLS before login: ${names.join(', ')}`]
      : []),
  ];
}

/**
 * The domain's verdict: the worst of the endpoints that answered and of the recognised provider's documented
 * verdict, which stands on its own for a provider that lists no endpoint (Proton offers none); its reasons, then
 * the other endpoints', then discovery's.
 */
function judgeDomain(domain: string, progress: Progress, reports: readonly JudgedEndpoint[]): Judgement {
  const documented = progress.provider ? [progress.provider.provider.verdict] : [];
  const verdict = worstKnown([...reports.map((report) => report.verdict), ...documented]);
  const discovery = discoveryReasons(progress);
  const provider = progress.provider ? [providerReason(progress.provider)] : [];
  if (verdict === 'unknown') {
    const first = provider.length > 0 ? provider : [nothingKnownReason(domain, progress, reports)];
    return { verdict, reasons: unique([...first, ...reasonsOf(reports), ...discovery]) };
  }
  const silent = unanswered(reports);
  if (verdict === 'tls-only' && (discoveryGaps(progress) || silent.length > 0)) {
    const gap =
      silent.length > 0
        ? `${silent.join(', ')} did not answer`
        : 'not every endpoint it advertises was found or checked';
    const headline =
      `every endpoint of ${domain} that answered requires TLS before login, but ${gap}, so whether all of them ` +
      'do is not known';
    return {
      verdict: 'unknown',
      reasons: unique([
        headline,
        ...discovery,
        ...tlsOnlyHeadline(domain, progress, reports),
        ...reasonsOf(reports),
      ]),
    };
  }
  const deciding = reasonsOf(reports.filter((report) => report.verdict === verdict));
  const others = reasonsOf(reports.filter((report) => report.verdict !== verdict));
  const headline =
    verdict === 'tls-only' ? tlsOnlyHeadline(domain, progress, reports) : [...deciding, ...provider];
  return { verdict, reasons: unique([...headline, ...deciding, ...others, ...discovery]) };
}

function unique(reasons: readonly string[]): string[] {
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

/**
 * A completed check that found nothing advertised and nothing recognised: the usual answer for a domain, and as
 * settled as any verdict, so it is kept as long as one (a short TTL would re-check most domains every 30 s).
 */
function nothingAdvertised(progress: Progress, reports: readonly EndpointReport[]): boolean {
  const mxFailed = progress.mx !== undefined && 'failure' in progress.mx;
  return reports.length === 0 && !progress.provider && !discoveryGaps(progress) && !mxFailed;
}

function ttlOf(progress: Progress, settled: boolean): number {
  if (!settled) return UNKNOWN_TTL_S;
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
    if (!isProbed(endpoint)) return [];
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

/** How the check ended: whether its deadline cut it short, when, and after how long. */
export interface CheckEnd {
  incomplete: boolean;
  now: Date;
  elapsedMs: number;
  deadlineMs: number;
}

export function buildReport(
  domain: string,
  progress: Progress,
  { incomplete, now, elapsedMs, deadlineMs }: CheckEnd,
): MailboxAccessReport {
  const judged = endpointReports(progress);
  const domainJudgement = judgeDomain(domain, progress, judged);
  // What was not learnt in time can only make the verdict worse: a plaintext or tls-offered endpoint already found
  // stands, while tls-only needs every endpoint and so is unknown when some were not checked.
  const cutShort = incomplete && domainJudgement.verdict === 'tls-only';
  const verdict = cutShort ? 'unknown' : domainJudgement.verdict;
  const unfinished = incomplete ? [unfinishedReason(domain, progress, deadlineMs)] : [];
  const reasons =
    verdict === 'unknown'
      ? [...unfinished, ...domainJudgement.reasons]
      : [...domainJudgement.reasons, ...unfinished];
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
    // An incomplete check is tried again soon: the steps it missed may find worse.
    ttlSeconds: ttlOf(
      progress,
      !incomplete && (verdict !== 'unknown' || nothingAdvertised(progress, judged)),
    ),
    timings: { totalMs: Math.round(elapsedMs) },
  };
}

function srvReport(srv: SrvDiscovery | undefined): MailboxAccessReport['srv'] {
  if (!srv) return { state: 'failed', reason: 'the SRV lookups did not finish in time' };
  if (srv.state === 'failed') return { state: 'failed', reason: srv.reason };
  if (srv.state === 'none') return { state: 'none' };
  const notes = [
    ...(srv.notOffered.length > 0 ? [`not offered ("."): ${srv.notOffered.join(', ')}`] : []),
    ...(srv.unusable.length > 0 ? [`unusable targets skipped: ${srv.unusable.join(', ')}`] : []),
  ];
  return { state: 'records', ...(notes.length > 0 ? { reason: notes.join('; ') } : {}) };
}
