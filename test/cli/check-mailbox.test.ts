/**
 * `sendguard check` runs each domain's mailbox access check beside its transport check, under the same --timeout,
 * and prints it: a "Mailbox access" line and one line per endpoint, or `mailboxAccess` (the report without its
 * domain) with --json. Against the test bed's Dovecot as built, and with a fake mailbox check where the words
 * for one report are the point.
 */
import { readFile } from 'node:fs/promises';
import { checkCommand, formatMailboxAccess, type MailboxCheckMaker } from '../../src/cli/commands/check';
import type { NetworkSettings } from '../../src/cli/network-options';
import type { EndpointReport, MailboxAccessReport } from '../../src/server/mailbox';
import { runCli } from '../helpers/cli';
import { testbed, type Testbed } from '../helpers/testbed';

let bed: Testbed;
let network: string[];

beforeAll(() => {
  bed = testbed();
  network = ['--dns', bed.dns, '--ca-file', bed.caFile, '--allow-private', '--timeout', '4000'];
});

/** A report as the mailbox module makes one, its endpoints given. */
function reportWith(
  domain: string,
  fields: Pick<MailboxAccessReport, 'verdict' | 'reasons'> & Partial<MailboxAccessReport>,
): MailboxAccessReport {
  return {
    domain,
    checkedAt: '2026-01-01T00:00:00.000Z',
    incomplete: false,
    endpoints: [],
    srv: { state: 'records' },
    autoconfig: [],
    ttlSeconds: 300,
    timings: { totalMs: 12 },
    ...fields,
  };
}

const endpoint = (fields: Omit<EndpointReport, 'timings'>): EndpointReport => ({ ...fields, timings: {} });

const reportOf = (domain: string): MailboxAccessReport =>
  reportWith(domain, {
    verdict: 'tls-offered',
    reasons: [`imap.${domain}:143 accepts a password before STARTTLS`, `pop.${domain}:995 requires TLS`],
    endpoints: [
      endpoint({
        protocol: 'imap',
        host: `imap.${domain}`,
        port: 143,
        security: 'starttls',
        foundBy: ['srv', 'autoconfig'],
        verdict: 'tls-offered',
        address: '192.0.2.1',
        outcome: 'tls',
        tls: {
          version: 'TLSv1.3',
          cipher: 'TLS_AES_256_GCM_SHA384',
          certificate: { trusted: true, nameMatches: true, notAfter: '2030-01-01T00:00:00.000Z' },
        },
        starttls: true,
        plaintextLogin: true,
      }),
      endpoint({
        protocol: 'pop3',
        host: `pop.${domain}`,
        port: 995,
        security: 'implicit',
        foundBy: ['srv'],
        verdict: 'tls-only',
        outcome: 'timeout',
      }),
    ],
  });

/** A fake mailbox check that records what it was made with and asked. */
function fakeMaker() {
  const made: { network: NetworkSettings; deadlineMs: number }[] = [];
  const asked: string[] = [];
  const maker: MailboxCheckMaker = (network, deadlineMs) => {
    made.push({ network, deadlineMs });
    return async (domain) => {
      asked.push(domain);
      return reportOf(domain);
    };
  };
  return { maker, made, asked };
}

async function runCheck(args: string[], maker: MailboxCheckMaker) {
  let stdout = '';
  let stderr = '';
  const code = await checkCommand(
    args,
    {
      out: (text) => void (stdout += text),
      err: (text) => void (stderr += text),
      readFile: (path) => readFile(path, 'utf8'),
      env: {},
      outBytes: () => undefined,
      outIsTerminal: false,
    },
    maker,
  );
  return { code, stdout, stderr };
}

test('the text report gains the mailbox access line and one line per endpoint, before "checked in"', async () => {
  const fake = fakeMaker();
  const { code, stdout } = await runCheck(['no-starttls.sendguard.test', ...network], fake.maker);
  expect(code).toBe(0);
  const lines = stdout.trimEnd().split('\n');
  const at = lines.indexOf(
    '  Mailbox access: TLS-OFFERED  imap.no-starttls.sendguard.test:143 accepts a password before STARTTLS',
  );
  expect(at).toBeGreaterThan(0);
  expect(lines.slice(at + 1)).toEqual([
    '    also: pop.no-starttls.sendguard.test:995 requires TLS',
    expect.stringMatching(
      /^ {4}imap imap\.no-starttls\.sendguard\.test:143 starttls +tls-offered +TLSv1\.3 TLS_AES_256_GCM_SHA384; certificate trusted, names the host; password accepted before TLS at 192\.0\.2\.1 {2}\(found by srv, autoconfig\)$/,
    ),
    expect.stringMatching(
      /^ {4}pop3 pop\.no-starttls\.sendguard\.test:995 implicit +tls-only +timeout {2}\(found by srv\)$/,
    ),
    expect.stringMatching(/^ {2}checked in \d+ ms/),
  ]);
});

test('--json adds mailboxAccess, the report without its domain; each argument checked, under the --timeout deadline', async () => {
  const fake = fakeMaker();
  const { stdout } = await runCheck(
    [
      'no-starttls.sendguard.test',
      'Bob@No-StartTLS.sendguard.test',
      'tls-valid.sendguard.test',
      ...network,
      '--json',
    ],
    fake.maker,
  );
  const reports = JSON.parse(stdout);
  const { domain: _domain, ...withoutDomain } = reportOf('tls-valid.sendguard.test');
  expect(reports[2].mailboxAccess).toEqual(withoutDomain);
  expect(reports[2].verdict).toBe('encrypted');
  expect(fake.asked).toEqual([
    'no-starttls.sendguard.test',
    'no-starttls.sendguard.test',
    'tls-valid.sendguard.test',
  ]);
  expect(fake.made).toHaveLength(1);
  expect(fake.made[0]).toMatchObject({ deadlineMs: 4000, network: { allowPrivateAddresses: true } });
});

test('a mailbox check that throws is printed as unknown with the error, and the transport report and exit status stay', async () => {
  const throwing: MailboxCheckMaker = () => async (domain) => {
    if (domain === 'tls-valid.sendguard.test') throw new TypeError('endpoints is not iterable');
    return reportOf(domain);
  };
  const text = await runCheck(['tls-valid.sendguard.test', ...network], throwing);
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/^tls-valid\.sendguard\.test {2}ENCRYPTED /);
  expect(text.stdout).toContain(
    '  Mailbox access: UNKNOWN  the mailbox access check failed: endpoints is not iterable\n',
  );
  const json = await runCheck(['tls-valid.sendguard.test', ...network, '--json'], throwing);
  const [report] = JSON.parse(json.stdout);
  expect(report.verdict).toBe('encrypted');
  expect(report.mailboxAccess).toMatchObject({
    verdict: 'unknown',
    reasons: ['the mailbox access check failed: endpoints is not iterable'],
    endpoints: [],
  });
});

test('a recognised provider names itself and the source its verdict rests on', () => {
  expect(
    formatMailboxAccess(
      reportWith('example.org', {
        verdict: 'tls-only',
        reasons: ['recognised as Google Workspace from its MX aspmx.l.google.com'],
        provider: {
          name: 'Google Workspace',
          source: 'https://support.google.com/a/answer/9003945',
          mx: 'aspmx.l.google.com',
        },
        endpoints: [
          endpoint({
            protocol: 'imap',
            host: 'imap.gmail.com',
            port: 993,
            security: 'implicit',
            foundBy: ['provider'],
            verdict: 'tls-only',
            outcome: 'not-probed',
          }),
        ],
      }),
    ),
  ).toEqual([
    '  Mailbox access: TLS-ONLY  recognised as Google Workspace from its MX aspmx.l.google.com',
    '    provider Google Workspace (https://support.google.com/a/answer/9003945)',
    expect.stringMatching(
      /^ {4}imap imap\.gmail\.com:993 implicit +tls-only +not probed {2}\(found by provider\)$/,
    ),
  ]);
});

describe('against the test bed’s Dovecot, with the mailbox module as built', () => {
  test('a domain whose IMAP accepts a password before STARTTLS: the line says so, then each endpoint', async () => {
    const { stdout } = await runCli(['check', 'mbx-tls-offered.sendguard.test', ...network]);
    // The line names the endpoint that lets a password through; the reason's wording is the mailbox module's.
    expect(stdout).toMatch(
      /^ {2}Mailbox access: TLS-OFFERED {2}imap\.mbx-tls-offered\.sendguard\.test:143 /m,
    );
    expect(stdout).toMatch(/^ {4}imap imap\.mbx-tls-offered\.sendguard\.test:143 starttls +tls-offered /m);
  });

  test('--json: mailboxAccess is the report without its domain; the exit status stays the transport’s', async () => {
    const { stdout } = await runCli([
      'check',
      'mbx-tls-only.sendguard.test',
      'tls-valid.sendguard.test',
      ...network,
      '--json',
    ]);
    const [tlsOnly, none] = JSON.parse(stdout);
    expect(tlsOnly.mailboxAccess).toMatchObject({ verdict: 'tls-only', srv: { state: 'records' } });
    expect(tlsOnly.mailboxAccess).not.toHaveProperty('domain');
    expect(tlsOnly.mailboxAccess.endpoints.length).toBeGreaterThan(0);
    // Nothing advertised: unknown, and the domain's transport verdict alone decides the exit status.
    expect(none.mailboxAccess.verdict).toBe('unknown');
    expect(none.verdict).toBe('encrypted');
    const single = await runCli(['check', 'tls-valid.sendguard.test', ...network]);
    expect(single.code).toBe(0);
  });
});
