import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli';
import { testbed, type Testbed } from '../helpers/testbed';

let bed: Testbed;
let network: string[];

beforeAll(() => {
  bed = testbed();
  network = ['--dns', bed.dns, '--ca-file', bed.caFile, '--allow-private', '--timeout', '5000'];
});

describe('sendguard check', () => {
  test('--json prints one object per domain with the verdict and its evidence (README, "The sendguard command")', async () => {
    const { code, stdout } = await runCli([
      'check',
      'dane-ee.sendguard.test',
      'Bob@PARTIAL.sendguard.test',
      ...network,
      '--json',
    ]);
    expect(code).toBe(0);
    const reports = JSON.parse(stdout);
    expect(reports.map((r: { domain: string; verdict: string }) => [r.domain, r.verdict])).toEqual([
      ['dane-ee.sendguard.test', 'authenticated'],
      ['partial.sendguard.test', 'partial'],
    ]);
    const [dane] = reports;
    expect(Object.keys(dane)).toEqual(
      expect.arrayContaining(['domain', 'verdict', 'reasons', 'mx', 'mtaSts', 'tlsRpt']),
    );
    expect(dane.mx[0]).toMatchObject({ preference: 10, dane: { state: 'secure' } });
    expect(dane.mx[0].addresses[0]).toMatchObject({ starttls: true, tls: { version: 'TLSv1.3' } });
  });

  test('the human report reads one line per domain, then the evidence per MX', async () => {
    const { code, stdout } = await runCli(['check', 'no-starttls.sendguard.test', ...network]);
    expect(code).toBe(0);
    // The bed's own address for its plain smtpd: a bed may run shifted (SENDGUARD_TESTBED_SHIFT).
    const plainAddress = bed.smtp.plain!.split(':')[0]!;
    expect(stdout).toContain(
      `no-starttls.sendguard.test  NONE  mx.no-starttls.sendguard.test (${plainAddress}) does not offer STARTTLS`,
    );
    expect(stdout.startsWith('no-starttls.sendguard.test  NONE')).toBe(true);
    expect(stdout).toContain('MX 10 mx.no-starttls.sendguard.test');
  });

  test('exit status 1 when a domain stays unknown, or an argument is not a domain', async () => {
    expect((await runCli(['check', 'tempfail.sendguard.test', ...network])).code).toBe(1);
    const bad = await runCli(['check', 'not a domain', ...network]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('"not a domain" is not a valid domain name');
  });

  test('without --allow-private, loopback MX addresses are not probed', async () => {
    const { stdout } = await runCli(['check', 'tls-valid.sendguard.test', '--dns', bed.dns, '--json']);
    const [report] = JSON.parse(stdout);
    expect(report.verdict).toBe('unknown');
    expect(report.mx[0].addresses[0]).toMatchObject({ outcome: 'not-allowed' });
  });

  test('the environment is read as the service reads it: a list with spaces, true as a flag; an option wins', async () => {
    const env = {
      SENDGUARD_DNS: ` ${bed.dns} , `,
      SENDGUARD_CA_FILE: bed.caFile,
      SENDGUARD_ALLOW_PRIVATE: 'true',
    };
    const fromEnv = await runCli(['check', 'dane-ee.sendguard.test', '--timeout', '5000', '--json'], env);
    expect(JSON.parse(fromEnv.stdout)[0].verdict).toBe('authenticated');
    const bad = await runCli(['check', 'dane-ee.sendguard.test'], {
      SENDGUARD_ALLOW_PRIVATE: 'true',
      SENDGUARD_DNS: 'not a resolver',
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SENDGUARD_DNS');
    const overridden = await runCli(
      ['check', 'dane-ee.sendguard.test', '--dns', bed.dns, '--timeout', '5000', '--json'],
      { ...env, SENDGUARD_DNS: 'not a resolver' },
    );
    expect(JSON.parse(overridden.stdout)[0].verdict).toBe('authenticated');
  });

  test('usage errors: nothing to check, a bad --timeout', async () => {
    expect((await runCli(['check'])).code).toBe(2);
    expect((await runCli(['check', 'x.example', '--timeout', 'soon'])).code).toBe(2);
  });

  test('the built command exits by itself when done (no socket or timer left behind)', async () => {
    const started = Date.now();
    const { stdout } = await promisify(execFile)(
      'node',
      [join(__dirname, '..', '..', 'bin', 'sendguard.js'), 'check', 'tls-valid.sendguard.test', ...network],
      {
        timeout: 20_000,
      },
    );
    expect(stdout).toContain('ENCRYPTED');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
