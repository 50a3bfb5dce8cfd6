/** `sendguard check`: the transport verdict of recipient domains, with the evidence behind it. */
import { parseArgs } from 'node:util';
import { normalizeDomain, parseAddress } from '../../core/addresses';
import {
  CachingTransportService,
  MemoryStsCache,
  type AddressReport,
  type TransportReport,
} from '../../server/transport';
import { lookUpEach } from '../each-argument';
import { CHECK_HELP } from '../help';
import { UsageError, type CliIo } from '../io';
import { NETWORK_OPTIONS, networkSettings, timeoutOf } from '../network-options';

const DEFAULT_TIMEOUT_MS = 10_000;

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

export function formatReport(report: TransportReport): string {
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
    `  checked in ${report.timings.totalMs} ms${report.implicitMx ? '; no MX record, the domain itself receives mail' : ''}`,
  );
  return lines.join('\n');
}

export async function checkCommand(args: string[], io: CliIo): Promise<number> {
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
  const { answers: reports, exitCode } = await lookUpEach(
    'check',
    positionals,
    (argument) => service.report(domainOf(argument)),
    io,
  );
  io.out(
    values.json ? `${JSON.stringify(reports, null, 2)}\n` : `${reports.map(formatReport).join('\n\n')}\n`,
  );
  return exitCode;
}
