/** RFC 6186 SRV discovery and the merging of what the sources found. */
import { mergeEndpoints, MAX_ENDPOINTS, type Endpoint } from '../../../src/server/mailbox/endpoints';
import { discoverSrv } from '../../../src/server/mailbox/srv';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';

const D = 'example.org';
const srv = (target: string, port: number, priority = 0, weight = 0) => ({ priority, weight, port, target });

describe('discoverSrv', () => {
  test('RFC 6186 §3.1, RFC 8314 §5.1: each name gives its protocol and security; lower priority first, two at most', async () => {
    const zone: FakeZone = {
      [`_imaps._tcp.${D}`]: {
        SRV: [srv('c.example.org', 993, 30), srv('a.example.org', 993, 10), srv('b.example.org', 993, 20)],
      },
      [`_pop3._tcp.${D}`]: { SRV: [srv('pop.example.org', 110)] },
      [`_submissions._tcp.${D}`]: { SRV: [srv('smtp.example.org', 465)] },
    };
    const found = await discoverSrv(D, fakeDns(zone).client);
    expect(found).toMatchObject({ state: 'records', notOffered: [], failures: [], ttl: 300 });
    expect(found.state === 'records' && found.endpoints).toEqual([
      { protocol: 'imap', host: 'a.example.org', port: 993, security: 'implicit', foundBy: ['srv'] },
      { protocol: 'imap', host: 'b.example.org', port: 993, security: 'implicit', foundBy: ['srv'] },
      { protocol: 'pop3', host: 'pop.example.org', port: 110, security: 'starttls', foundBy: ['srv'] },
      { protocol: 'submission', host: 'smtp.example.org', port: 465, security: 'implicit', foundBy: ['srv'] },
    ]);
  });

  test('RFC 2782: a target of "." is not offered; targets that are not host names, or port 0, are skipped', async () => {
    const zone: FakeZone = {
      [`_imap._tcp.${D}`]: { SRV: [srv('', 0)] },
      [`_imaps._tcp.${D}`]: { SRV: [srv('bad_name.example.org', 993), srv('imap.example.org', 0)] },
    };
    const found = await discoverSrv(D, fakeDns(zone).client);
    expect(found).toMatchObject({
      state: 'records',
      endpoints: [],
      notOffered: [`_imap._tcp.${D}`],
      unusable: [`_imaps._tcp.${D} → bad_name.example.org:993`, `_imaps._tcp.${D} → imap.example.org:0`],
    });
  });

  test('no records is none; lookups that failed are failed, or reasons beside the records found', async () => {
    expect(await discoverSrv(D, fakeDns({}).client)).toEqual({ state: 'none' });
    const failing = await discoverSrv(D, fakeDns({ [`_imap._tcp.${D}`]: { SRV: 'servfail' } }).client);
    expect(failing).toEqual({
      state: 'failed',
      reason: `the SRV lookups failed (_imap._tcp.${D}: _imap._tcp.${D} SRV: SERVFAIL)`,
    });
    const partly = await discoverSrv(
      D,
      fakeDns({
        [`_imap._tcp.${D}`]: { SRV: 'timeout' },
        [`_imaps._tcp.${D}`]: { SRV: [srv('imap.example.org', 993)] },
      }).client,
    );
    expect(partly).toMatchObject({
      state: 'records',
      failures: [`_imap._tcp.${D}: _imap._tcp.${D} SRV: time-out`],
    });
  });
});

describe('mergeEndpoints', () => {
  const endpoint = (fields: Partial<Endpoint>): Endpoint => ({
    protocol: 'imap',
    host: 'imap.example.org',
    port: 143,
    security: 'starttls',
    foundBy: ['srv'],
    ...fields,
  });

  test('one entry per protocol, host and port; every source named; the security asking less of the client stands', () => {
    const url = 'https://autoconfig.example.org/mail/config-v1.1.xml';
    const merged = mergeEndpoints([
      endpoint({}),
      endpoint({ port: 993, security: 'implicit' }),
      endpoint({ security: 'plain', foundBy: ['autoconfig'], plainIn: url }),
      endpoint({ protocol: 'pop3' }),
    ]);
    expect(merged).toEqual({
      endpoints: [
        endpoint({ security: 'plain', foundBy: ['srv', 'autoconfig'], plainIn: url }),
        endpoint({ port: 993, security: 'implicit' }),
        endpoint({ protocol: 'pop3' }),
      ],
      dropped: 0,
    });
  });

  test(`at most ${MAX_ENDPOINTS} endpoints, the rest counted`, () => {
    const many = Array.from({ length: 20 }, (_, port) => endpoint({ port: port + 1 }));
    const merged = mergeEndpoints(many);
    expect([merged.endpoints.length, merged.dropped]).toEqual([MAX_ENDPOINTS, 20 - MAX_ENDPOINTS]);
  });

  test("a recognised provider's documented endpoints, never probed, do not count against the cap", () => {
    const documented = [1, 2, 3, 4].map((port) =>
      endpoint({ host: 'imap.gmail.com', port, foundBy: ['provider'] }),
    );
    const advertised = Array.from({ length: MAX_ENDPOINTS }, (_, port) => endpoint({ port: port + 1 }));
    const merged = mergeEndpoints([...documented, ...advertised]);
    expect([merged.endpoints.length, merged.dropped]).toEqual([MAX_ENDPOINTS + 4, 0]);
  });
});
