import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dnsClientFromSystem, parseServerSpec, serversFromResolvConf } from '../../../src/server/dns';

describe('parseServerSpec (--dns HOST[:PORT])', () => {
  it.each([
    ['192.0.2.53', { host: '192.0.2.53', port: 53 }],
    ['192.0.2.53:5353', { host: '192.0.2.53', port: 5353 }],
    ['2001:db8::53', { host: '2001:db8::53', port: 53 }],
    ['[2001:db8::53]', { host: '2001:db8::53', port: 53 }],
    ['[2001:db8::53]:5353', { host: '2001:db8::53', port: 5353 }],
    ['[::1]:53', { host: '::1', port: 53 }],
  ])('%s', (spec, server) => {
    expect(parseServerSpec(spec)).toEqual(server);
  });

  it.each([
    '',
    'dns.example',
    'dns.example:53',
    '192.0.2.53:0',
    '192.0.2.53:65536',
    '192.0.2.53:x',
    '[192.0.2.53',
  ])('"%s" is DNS_SERVER_INVALID', (spec) => {
    expect(() => parseServerSpec(spec)).toThrow(expect.objectContaining({ code: 'DNS_SERVER_INVALID' }));
  });
});

describe('serversFromResolvConf', () => {
  it('reads nameserver lines, skipping comments, options and non-addresses', () => {
    const text = [
      '# generated',
      'search example.com',
      'nameserver 192.0.2.53',
      '; nameserver 192.0.2.99',
      'nameserver resolver.example',
      '  nameserver 2001:db8::53 ',
      'options edns0 trust-ad',
    ].join('\n');
    expect(serversFromResolvConf(text)).toEqual({
      servers: [
        { host: '192.0.2.53', port: 53 },
        { host: '2001:db8::53', port: 53 },
      ],
      trustAd: false,
    });
  });

  it('trusts the AD bit when every nameserver is on loopback (a local validating resolver)', () => {
    expect(serversFromResolvConf('nameserver 127.0.0.53\nnameserver ::1\n').trustAd).toBe(true);
  });

  it('does not trust the AD bit when any nameserver is across the network', () => {
    expect(serversFromResolvConf('nameserver 127.0.0.1\nnameserver 10.0.0.53\n').trustAd).toBe(false);
  });

  it('uses at most three nameservers, as glibc does', () => {
    const text = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']
      .map((ip) => `nameserver ${ip}`)
      .join('\n');
    expect(serversFromResolvConf(text).servers).toHaveLength(3);
  });

  it('with no nameserver asks the local host, as glibc does', () => {
    expect(serversFromResolvConf('search example.com\n')).toEqual({
      servers: [{ host: '127.0.0.1', port: 53 }],
      trustAd: true,
    });
  });
});

describe('dnsClientFromSystem', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sendguard-resolv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a client from a resolv.conf file, and from a missing one', () => {
    const file = path.join(dir, 'resolv.conf');
    writeFileSync(file, 'nameserver 192.0.2.53\n');
    expect(typeof dnsClientFromSystem({ resolvConfPath: file }).query).toBe('function');
    expect(typeof dnsClientFromSystem({ resolvConfPath: path.join(dir, 'missing') }).query).toBe('function');
  });
});
