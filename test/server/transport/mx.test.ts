import { resolveMx, MAX_MX_HOSTS, type MxHost } from '../../../src/server/transport/mx';
import {
  PROBE_LIMITS,
  selectProbeAddresses,
  unprobedReason,
} from '../../../src/server/transport/probe-budget';
import { DnsError } from '../../../src/server/dns';
import { fakeDns } from '../../helpers/fake-dns';

describe('MX resolution', () => {
  test('RFC 5321 §5.1: hosts in preference order, each with its A and AAAA addresses', async () => {
    const { client } = fakeDns({
      'example.org': {
        MX: [
          { preference: 20, exchange: 'b.example.org' },
          { preference: 10, exchange: 'a.example.org' },
        ],
      },
      'a.example.org': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
      'b.example.org': { A: ['192.0.2.2'] },
    });
    const mx = await resolveMx('example.org', client);
    expect(mx).toMatchObject({ kind: 'hosts', implicit: false, secure: true });
    if (mx.kind !== 'hosts') throw new Error('hosts expected');
    expect(mx.hosts.map((h) => [h.hostname, h.addresses])).toEqual([
      ['a.example.org', ['192.0.2.1', '2001:db8::1']],
      ['b.example.org', ['192.0.2.2']],
    ]);
  });

  test('RFC 7505 §3: a null MX means the domain accepts no mail', async () => {
    const { client } = fakeDns({ 'example.org': { MX: [{ preference: 0, exchange: '' }] } });
    expect(await resolveMx('example.org', client)).toMatchObject({
      kind: 'no-mail',
      reason: expect.stringContaining('null MX'),
    });
  });

  test('RFC 5321 §5.1: no MX record (NODATA) falls back to the address of the domain itself', async () => {
    const { client } = fakeDns({ 'example.org': { A: ['192.0.2.9'] } });
    expect(await resolveMx('example.org', client)).toMatchObject({
      kind: 'hosts',
      implicit: true,
      hosts: [{ hostname: 'example.org' }],
    });
  });

  test('NXDOMAIN, and NODATA with no address either, accept no mail', async () => {
    expect(await resolveMx('gone.example', fakeDns({}).client)).toMatchObject({ kind: 'no-mail' });
    expect(await resolveMx('bare.example', fakeDns({ 'bare.example': {} }).client)).toMatchObject({
      kind: 'no-mail',
    });
  });

  test('a SERVFAIL on the MX query is a failure, never an implicit MX or no-mail', async () => {
    const { client, queries } = fakeDns({ 'example.org': { MX: 'servfail', A: ['192.0.2.9'] } });
    await expect(resolveMx('example.org', client)).rejects.toBeInstanceOf(DnsError);
    expect(queries).toEqual(['example.org MX']);
  });

  test('a failed address lookup of the implicit MX is a failure to explain, not no-mail', async () => {
    const { client } = fakeDns({ 'example.org': { A: 'timeout', AAAA: 'timeout' } });
    const mx = await resolveMx('example.org', client);
    expect(mx).toMatchObject({ kind: 'hosts', hosts: [{ addresses: [], addressLookupFailed: true }] });
  });

  test(`at most ${MAX_MX_HOSTS} hosts are probed, the most preferred, and the rest are counted`, async () => {
    const records = Array.from({ length: 14 }, (_, i) => ({
      preference: 14 - i,
      exchange: `mx${14 - i}.example.org`,
    }));
    const { client } = fakeDns({ 'example.org': { MX: records } });
    const mx = await resolveMx('example.org', client);
    if (mx.kind !== 'hosts') throw new Error('hosts expected');
    expect(mx.hosts).toHaveLength(MAX_MX_HOSTS);
    expect(mx.hosts[0]?.hostname).toBe('mx1.example.org');
    expect(mx.skipped).toBe(4);
  });

  test('a null MX beside real MX records is ignored (RFC 7505 §3 forbids the mix; senders use the real ones)', async () => {
    const { client } = fakeDns({
      'example.org': {
        MX: [
          { preference: 0, exchange: '' },
          { preference: 10, exchange: 'mx.example.org' },
        ],
      },
      'mx.example.org': { A: ['192.0.2.1'] },
    });
    expect(await resolveMx('example.org', client)).toMatchObject({
      kind: 'hosts',
      hosts: [{ hostname: 'mx.example.org' }],
    });
  });

  test('duplicate MX hosts are probed once; an unsigned MX answer is reported as not secure', async () => {
    const { client } = fakeDns(
      {
        'example.org': {
          MX: [
            { preference: 10, exchange: 'mx.example.org' },
            { preference: 20, exchange: 'mx.example.org' },
          ],
        },
        'mx.example.org': { A: ['192.0.2.1'] },
      },
      { secure: false },
    );
    const mx = await resolveMx('example.org', client);
    expect(mx).toMatchObject({
      kind: 'hosts',
      secure: false,
      hosts: [{ hostname: 'mx.example.org', preference: 10 }],
    });
    if (mx.kind === 'hosts') expect(mx.hosts).toHaveLength(1);
  });
});

const v4 = (count: number, net = 1) =>
  Array.from({ length: count }, (_, i) => `10.${net}.${Math.floor(i / 256)}.${i % 256}`);
const v6 = (count: number, net = 1) =>
  Array.from({ length: count }, (_, i) => `2001:db8:${net}::${i.toString(16)}`);

function hostsOf(mx: Awaited<ReturnType<typeof resolveMx>>): MxHost[] {
  if (mx.kind !== 'hosts') throw new Error('hosts expected');
  return mx.hosts;
}

describe('probe limits: a hostile domain cannot make the checker open thousands of connections', () => {
  test('an MX host with 300 A and 300 AAAA records: 10 probed, both families, in DNS order; the rest counted', async () => {
    const { client } = fakeDns({
      'example.org': { MX: [{ preference: 10, exchange: 'mx.example.org' }] },
      'mx.example.org': { A: v4(300), AAAA: v6(300) },
    });
    const [host] = hostsOf(await resolveMx('example.org', client));
    expect(host?.addresses).toEqual([...v4(5), ...v6(5)]);
    expect(host?.unprobedAddresses).toBe(590);
  });

  test('the implicit MX (no MX record) is held to the same per-host limit', async () => {
    const { client } = fakeDns({ 'example.org': { A: v4(400) } });
    const [host] = hostsOf(await resolveMx('example.org', client));
    expect(host?.addresses).toEqual(v4(PROBE_LIMITS.perHost));
    expect(host?.unprobedAddresses).toBe(400 - PROBE_LIMITS.perHost);
  });

  test(`${MAX_MX_HOSTS} hosts with hundreds of addresses each: ${PROBE_LIMITS.perDomain} probed in all, every host at least once`, async () => {
    const zone: Parameters<typeof fakeDns>[0] = {
      'example.org': {
        MX: Array.from({ length: MAX_MX_HOSTS }, (_, i) => ({
          preference: i,
          exchange: `mx${i}.example.org`,
        })),
      },
    };
    for (let i = 0; i < MAX_MX_HOSTS; i++) zone[`mx${i}.example.org`] = { A: v4(250, i), AAAA: v6(250, i) };
    const hosts = hostsOf(await resolveMx('example.org', fakeDns(zone).client));
    expect(hosts.map((host) => host.addresses)).toEqual(
      Array.from({ length: MAX_MX_HOSTS }, (_, i) => [`10.${i}.0.0`, `2001:db8:${i}::0`]),
    );
    expect(hosts.map((host) => host.unprobedAddresses)).toEqual(Array(MAX_MX_HOSTS).fill(498));
  });

  test('a domain within the limits is probed in full and reports nothing unprobed', async () => {
    const { client } = fakeDns({
      'example.org': { MX: [{ preference: 10, exchange: 'mx.example.org' }] },
      'mx.example.org': { A: v4(3), AAAA: v6(2) },
    });
    const [host] = hostsOf(await resolveMx('example.org', client));
    expect(host).toMatchObject({ addresses: [...v4(3), ...v6(2)] });
    expect(host).not.toHaveProperty('unprobedAddresses');
    expect(unprobedReason(host as MxHost)).toEqual([]);
  });

  test('what one host leaves of the domain budget goes to the others, in preference order', () => {
    const selected = selectProbeAddresses([v4(1, 1), v4(30, 2), v4(30, 3)]);
    expect(selected.map((s) => s.probed.length)).toEqual([1, 10, 9]);
    expect(selected.map((s) => s.unprobed)).toEqual([0, 20, 21]);
  });

  test('the larger family fills in when the other runs out; duplicates count once', () => {
    const [one] = selectProbeAddresses([[...v4(2), '2001:db8:1::0', ...v4(20).slice(2), ...v4(2)]]);
    expect(one?.probed).toEqual([...v4(2), '2001:db8:1::0', ...v4(9).slice(2)]);
    expect(one?.unprobed).toBe(11);
  });

  test('the reason says how many addresses were not probed and why', () => {
    const [host] = [{ hostname: 'mx.example.org', addresses: v4(10), unprobedAddresses: 290 }];
    expect(unprobedReason(host)).toEqual([
      'mx.example.org has 300 addresses: 290 not probed, 10 probed ' +
        '(at most 10 per MX host and 20 per domain are)',
    ]);
  });
});
