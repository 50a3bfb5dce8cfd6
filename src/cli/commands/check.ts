/**
 * `sendguard check`: the transport verdict of recipient domains, and how their users reach their mail (mailbox
 * access), with the evidence behind each.
 */
import { parseArgs } from 'node:util';
import { normalizeDomain, parseAddress } from '../../core/addresses';
import { messageOf } from '../../core/errors';
import {
  CachingTransportService,
  MemoryStsCache,
  type AddressReport,
  type TransportReport,
} from '../../server/transport';
import { CachingMailboxService, type EndpointReport, type MailboxAccessReport } from '../../server/mailbox';
import { lookUpEach } from '../each-argument';
import { CHECK_HELP } from '../help';
import { UsageError, type CliIo } from '../io';
import { NETWORK_OPTIONS, networkSettings, timeoutOf, type NetworkSettings } from '../network-options';

const DEFAULT_TIMEOUT_MS = 10_000;

/** The mailbox access check of one domain, run beside its transport check. */
export type MailboxCheck = (domain: string) => Promise<MailboxAccessReport>;

/** The mailbox check for these network settings and this deadline (`--timeout`, shared with the transport check). */
export type MailboxCheckMaker = (network: NetworkSettings, deadlineMs: number) => MailboxCheck;

/** The mailbox module's caching service, so that a domain given twice is checked once, as its transport is. */
const builtInMailboxCheck: MailboxCheckMaker = (network, deadlineMs) => {
  const service = new CachingMailboxService({ deps: network, checkDeadlineMs: deadlineMs });
  return (domain) => service.report(domain);
};

function domainOf(argument: string): string {
  return argument.includes('@') ? parseAddress(argument).domain : normalizeDomain(argument);
}

function describeAddress(a: AddressReport): string {
  const tls = a.tls
    ? `${a.tls.version} ${a.tls.cipher}${a.tls.group ? ` ${a.tls.group}` : ''}; certificate ${a.tls.certificate?.trusted ? 'trusted' : `not trusted${a.tls.certificate?.trustError ? ` (${a.tls.certificate.trustError})` : ''}`}, ${a.tls.certificate?.nameMatches ? 'names the host' : 'does not name the host'}`
    : a.starttls
      ? 'STARTTLS offered, TLS failed'
      : a.outcome === 'no-starttls'
        ? 'no STARTTLS'
        : a.outcome;
  return `    ${a.address.padEnd(15)} ${a.verdict.padEnd(13)} ${tls}${a.authentication ? `; authenticated by ${a.authentication === 'dane' ? 'DANE' : 'MTA-STS'}` : ''}  (${a.timings.total ?? 0} ms)`;
}

/** The transport report in lines; `more` (the mailbox access) goes before its closing "checked in" line. */
export function formatReport(report: TransportReport, more: readonly string[] = []): string {
  const lines = [`${report.domain}  ${report.verdict.toUpperCase()}  ${report.reasons[0] ?? ''}`];
  for (const reason of report.reasons.slice(1)) lines.push(`  also: ${reason}`);
  for (const mx of report.mx) {
    const dane =
      mx.dane.state === 'secure'
        ? `DANE: ${mx.dane.records.length} TLSA record(s)`
        : `DANE: ${mx.dane.state}`;
    lines.push(
      `  MX ${mx.preference} ${mx.hostname}  ${dane}${mx.addressError ? `  (${mx.addressError})` : ''}`,
    );
    lines.push(...mx.addresses.map(describeAddress));
  }
  const sts = report.mtaSts;
  lines.push(
    `  MTA-STS: ${sts.state === 'policy' ? `${sts.policy.mode}, mx ${sts.policy.mx.join(' ')}, max_age ${sts.policy.maxAge}` : sts.state === 'failed' ? `failed: ${sts.reason}` : sts.state}`,
    `  TLS-RPT: ${report.tlsRpt.state === 'record' ? (report.tlsRpt.rua ?? []).join(', ') : report.tlsRpt.state}`,
    ...more,
    `  checked in ${report.timings.totalMs} ms${report.implicitMx ? '; no MX record, the domain itself receives mail' : ''}`,
  );
  return lines.join('\n');
}

/** `TLS 1.3 …; certificate trusted, names the host`, or what the probe found instead of TLS. */
function describeEndpointSecurity(e: EndpointReport): string {
  if (e.tls) {
    const { certificate } = e.tls;
    const trust = certificate.trusted
      ? 'trusted'
      : `not trusted${certificate.trustError ? ` (${certificate.trustError})` : ''}`;
    const login = e.plaintextLogin ? '; password accepted before TLS' : '';
    return `${e.tls.version} ${e.tls.cipher}; certificate ${trust}, ${certificate.nameMatches ? 'names the host' : 'does not name the host'}${login}`;
  }
  if (e.outcome === 'not-probed') return 'not probed';
  if (e.outcome === 'no-starttls') return 'no STARTTLS';
  return e.outcome;
}

/** The mailbox access line, then one line per endpoint users are told to use. */
export function formatMailboxAccess(report: Omit<MailboxAccessReport, 'domain'>): string[] {
  const lines = [`  Mailbox access: ${report.verdict.toUpperCase()}  ${report.reasons[0] ?? ''}`.trimEnd()];
  for (const reason of report.reasons.slice(1)) lines.push(`    also: ${reason}`);
  if (report.provider) lines.push(`    provider ${report.provider.name} (${report.provider.source})`);
  for (const e of report.endpoints) {
    const where = `${e.protocol} ${e.host}:${e.port} ${e.security}`;
    lines.push(
      `    ${where.padEnd(40)} ${e.verdict.padEnd(11)} ${describeEndpointSecurity(e)}${e.address ? ` at ${e.address}` : ''}  (found by ${e.foundBy.join(', ')})`,
    );
  }
  return lines;
}

/** A domain's transport report with its mailbox report (without the domain, which the transport's gives). */
type DomainReport = TransportReport & { mailboxAccess: Omit<MailboxAccessReport, 'domain'> };

function formatDomain(report: DomainReport): string {
  return formatReport(report, formatMailboxAccess(report.mailboxAccess));
}

/**
 * What is printed for a mailbox check that threw rather than answering: `unknown`, with the error as its reason.
 * The transport report beside it, and the exit status it decides, are kept.
 */
function failedMailboxReport(domain: string, error: unknown): MailboxAccessReport {
  const reason = `the mailbox access check failed: ${messageOf(error)}`;
  return {
    domain,
    verdict: 'unknown',
    reasons: [reason],
    checkedAt: new Date().toISOString(),
    incomplete: true,
    endpoints: [],
    srv: { state: 'failed', reason },
    autoconfig: [],
    ttlSeconds: 0,
    timings: { totalMs: 0 },
  };
}

/** The transport report of `domain`, and its mailbox report beside it, both under the same deadline. */
async function checkDomain(
  domain: string,
  transport: CachingTransportService,
  mailbox: MailboxCheck,
): Promise<DomainReport> {
  const [report, access] = await Promise.all([
    transport.report(domain),
    mailbox(domain).catch((error: unknown) => failedMailboxReport(domain, error)),
  ]);
  const { domain: _same, ...mailboxAccess } = access;
  return { ...report, mailboxAccess };
}

export async function checkCommand(
  args: string[],
  io: CliIo,
  makeMailboxCheck: MailboxCheckMaker = builtInMailboxCheck,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...NETWORK_OPTIONS,
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError(`give at least one domain or address\n\n${CHECK_HELP}`);
  const deadlineMs = timeoutOf(values.timeout, DEFAULT_TIMEOUT_MS);
  const network = await networkSettings(values, io);
  const service = new CachingTransportService({
    deps: { ...network, stsCache: new MemoryStsCache() },
    checkDeadlineMs: deadlineMs,
  });
  const mailbox = makeMailboxCheck(network, deadlineMs);
  // The exit status stays the transport's: most domains advertise no mailbox endpoints, which is no failure.
  const { answers: reports, exitCode } = await lookUpEach(
    'check',
    positionals,
    (argument) => checkDomain(domainOf(argument), service, mailbox),
    io,
  );
  io.out(
    values.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatDomain).join('\n\n')}\n`,
  );
  return exitCode;
}
