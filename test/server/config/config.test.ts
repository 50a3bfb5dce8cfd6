/** Configuration: safe defaults, environment overrides, and errors that name the bad setting. */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevCertificate } from '../../../src/server/config/dev-certificate';
import { ConfigError, loadConfig, parseConfig } from '../../../src/server/config/load';
import { loadPolicyFile } from '../../../src/server/config/policy-file';
import { ManualClock } from '../../helpers/clock';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.setting}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-config-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('parseConfig', () => {
  test('defaults are safe: loopback, TLS, tokens on, dev mode off, nothing private, no CORS', () => {
    const config = parseConfig({}, {}, '/srv');
    expect(config).toMatchObject({
      publicUrl: 'https://localhost:3000',
      listen: { host: 'localhost', port: 3000 },
      tls: { enabled: true },
      dataDir: '/srv/data',
      allowPrivateAddresses: false,
      auth: { apiTokens: true, devNoAuth: false },
      limits: { maxRecipients: 500, assessDeadlineMs: 3000 },
      cors: { origins: [] },
      sendMode: 'SoftBlock',
      trustProxy: false,
      metrics: { requireAdmin: true },
      keys: { vksUrl: 'https://keys.openpgp.org' },
    });
    expect(config.policyFile).toMatch(/config\/policy\.yaml$/);
  });

  test('the environment overrides the file', () => {
    const config = parseConfig(
      { listen: { port: 8443 }, dns: { servers: ['192.0.2.53'] } },
      {
        PORT: '9000',
        HOST: '0.0.0.0',
        SENDGUARD_DNS: '127.0.0.1:5353, [2001:db8::53]:53',
        SENDGUARD_ALLOW_PRIVATE: '1',
        SENDGUARD_PUBLIC_URL: 'https://sendguard.example.org/',
        SENDGUARD_CA_FILE: 'ca.pem',
      },
      '/srv',
    );
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.dns.servers).toEqual(['127.0.0.1:5353', '[2001:db8::53]:53']);
    expect(config.allowPrivateAddresses).toBe(true);
    expect(config.publicUrl).toBe('https://sendguard.example.org');
    expect(config.caFile).toBe('/srv/ca.pem');
  });

  test('errors name the setting, or the variable it came from', () => {
    expect(
      issuesOf(() => parseConfig({ auth: { entra: { tenantId: '11111111-2222-3333-4444-555555555555' } } })),
    ).toEqual(['auth.entra.clientId: required when auth.entra is set']);
    expect(issuesOf(() => parseConfig({}, { PORT: 'eighty' }))).toEqual([
      expect.stringMatching(/^PORT \(listen\.port\): /),
    ]);
    expect(issuesOf(() => parseConfig({ limits: { maxRecipent: 10 } }))).toEqual([
      expect.stringMatching(/^limits: .*maxRecipent/),
    ]);
    expect(issuesOf(() => parseConfig({ tls: { certFile: 'cert.pem' } }))).toEqual([
      'tls: give both certFile and keyFile, or neither',
    ]);
    expect(issuesOf(() => parseConfig({ dns: { servers: ['not a host!'] } }))).toEqual([
      expect.stringMatching(/^dns\.servers\[0\]: HOST\[:PORT\]/),
    ]);
  });

  test('dev mode is refused unless listening on loopback only', () => {
    expect(issuesOf(() => parseConfig({}, { SENDGUARD_DEV_NO_AUTH: '1', HOST: '0.0.0.0' }))).toEqual([
      expect.stringMatching(
        /^SENDGUARD_DEV_NO_AUTH \(auth\.devNoAuth\): only allowed while listen\.host is a loopback address/,
      ),
    ]);
    expect(parseConfig({}, { SENDGUARD_DEV_NO_AUTH: '1' }).auth.devNoAuth).toBe(true);
  });

  test('trustProxy: false, or proxy addresses and CIDRs; never "everyone", never a hop count', () => {
    expect(issuesOf(() => parseConfig({ trustProxy: 1 }))).toEqual([
      expect.stringMatching(/^trustProxy: a hop count would believe the X-Forwarded-For of any client/),
    ]);
    expect(
      parseConfig({ trustProxy: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1', 'loopback'] }).trustProxy,
    ).toEqual(['10.0.0.0/8', '2001:db8::/32', '192.0.2.1', 'loopback']);
    expect(issuesOf(() => parseConfig({ trustProxy: true }))).toEqual([
      expect.stringMatching(/^trustProxy: true would believe any client's X-Forwarded-For/),
    ]);
    for (const bad of [
      0,
      11,
      'yes',
      [],
      ['10.0.0.0/33'],
      ['::/129'],
      ['10.0.0.0/8/8'],
      ['proxy.example'],
      ['10.0.0.0/'],
    ])
      expect(issuesOf(() => parseConfig({ trustProxy: bad }))).toEqual([
        expect.stringMatching(/^trustProxy/),
      ]);
  });

  test('SENDGUARD_TRUST_PROXY takes false or a comma-separated list', () => {
    const trust = (value: string) => parseConfig({}, { SENDGUARD_TRUST_PROXY: value }).trustProxy;
    expect([trust('0'), trust('false'), trust('10.0.0.1, 2001:db8::/64')]).toEqual([
      false,
      false,
      ['10.0.0.1', '2001:db8::/64'],
    ]);
    expect(issuesOf(() => trust('2'))).toEqual([
      expect.stringMatching(/^SENDGUARD_TRUST_PROXY \(trustProxy\): a hop count would believe/),
    ]);
    expect(issuesOf(() => trust('true'))).toEqual([
      expect.stringMatching(/^SENDGUARD_TRUST_PROXY \(trustProxy\): true would believe/),
    ]);
    expect(issuesOf(() => trust('10.0.0.1,not-an-address'))).toEqual([
      'SENDGUARD_TRUST_PROXY (trustProxy[1]): an IP address, a CIDR (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    ]);
  });

  test('/metrics needs an admin token unless SENDGUARD_METRICS_REQUIRE_ADMIN=0', () => {
    expect(parseConfig({}, { SENDGUARD_METRICS_REQUIRE_ADMIN: '0' }).metrics.requireAdmin).toBe(false);
    expect(parseConfig({ metrics: { requireAdmin: false } }).metrics.requireAdmin).toBe(false);
  });

  test('escrow waits: 1 s doubling to 15 minutes by default; the cap is at most an hour and not below the first', () => {
    expect(parseConfig({}).escrow.backoff).toEqual({ firstMs: 1000, maxMs: 900_000 });
    expect(issuesOf(() => parseConfig({ escrow: { backoff: { firstMs: 5000, maxMs: 1000 } } }))).toEqual([
      'escrow.backoff: maxMs must be at least firstMs',
    ]);
    expect(issuesOf(() => parseConfig({ escrow: { backoff: { maxMs: 7_200_000 } } }))).toEqual([
      expect.stringMatching(/^escrow\.backoff\.maxMs: /),
    ]);
  });

  test('escrow settings are parsed once with the service: files go under dataDir, its own dataDir is refused', () => {
    const config = parseConfig({ dataDir: 'var/sg' }, {}, '/srv');
    expect(config.dataDir).toBe('/srv/var/sg');
    expect(config.escrow).not.toHaveProperty('dataDir');
    expect(config.escrow.codeTtlMs).toBe(600_000);
    expect(
      issuesOf(() => parseConfig({ escrow: { dataDir: 'elsewhere', publicUrl: 'https://x.test' } })),
    ).toEqual([expect.stringMatching(/^escrow: .*"dataDir".*"publicUrl"/)]);
  });

  test('one purge interval for the whole service, a minute by default; escrow has none of its own', () => {
    expect(parseConfig({}).purgeIntervalMs).toBe(60_000);
    expect(parseConfig({ purgeIntervalMs: 5000 }).purgeIntervalMs).toBe(5000);
    expect(issuesOf(() => parseConfig({ escrow: { purgeIntervalMs: 5000 } }))).toEqual([
      expect.stringMatching(/^escrow: .*"purgeIntervalMs"/),
    ]);
  });

  test('with no way to sign in the configuration is refused', () => {
    expect(issuesOf(() => parseConfig({ auth: { apiTokens: false } }))).toEqual([
      expect.stringMatching(/^auth: no way to sign in/),
    ]);
  });
});

describe('loadConfig', () => {
  test('reads YAML or JSON from --config or SENDGUARD_CONFIG', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sendguard.yaml'), 'listen:\n  port: 4000\nsendMode: Block\n');
    writeFileSync(join(dir, 'sendguard.json'), '{"listen": {"port": 5000}}');
    expect(loadConfig({ file: 'sendguard.yaml', cwd: dir, env: {} })).toMatchObject({
      listen: { port: 4000 },
      sendMode: 'Block',
    });
    expect(loadConfig({ cwd: dir, env: { SENDGUARD_CONFIG: 'sendguard.json' } }).listen.port).toBe(5000);
  });

  test('a missing or broken file is a ConfigError naming it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.yaml'), 'listen: [\n');
    expect(issuesOf(() => loadConfig({ file: 'absent.yaml', cwd: dir, env: {} }))).toEqual([
      expect.stringMatching(/absent\.yaml: cannot be read/),
    ]);
    expect(issuesOf(() => loadConfig({ file: 'broken.yaml', cwd: dir, env: {} }))).toEqual([
      expect.stringMatching(/broken\.yaml: is not valid/),
    ]);
  });

  test('the shipped policy loads; an unreadable one names policyFile', async () => {
    await expect(loadPolicyFile(parseConfig())).resolves.toMatchObject({ schema: 1 });
    await expect(loadPolicyFile({ policyFile: '/nonexistent/policy.yaml' })).rejects.toThrow(/policyFile: /);
  });
});

describe('ensureDevCertificate', () => {
  test('makes a CA and a localhost leaf once, and renews only a leaf close to expiry', async () => {
    const dir = tempDir();
    const first = await ensureDevCertificate(dir);
    const leaf = new X509Certificate(first.cert);
    const ca = new X509Certificate(readFileSync(first.caFile));
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(statSync(join(dir, 'tls', 'localhost.key')).mode & 0o077).toBe(0);
    const again = await ensureDevCertificate(dir);
    expect(again.cert).toBe(first.cert);
    const clock = new ManualClock(Date.parse(leaf.validTo) - 24 * 3600 * 1000);
    const later = await ensureDevCertificate(dir, { clock });
    expect(later.cert).not.toBe(first.cert);
    expect(new X509Certificate(later.cert).verify(ca.publicKey)).toBe(true);
  }, 30_000);
});
