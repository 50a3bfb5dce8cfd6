import { resolveMx, MAX_MX_HOSTS } from '../../../src/server/transport/mx';
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
