import dgram from 'node:dgram';
import type { Answer, DecodedPacket, OptAnswer } from 'dns-packet';
import * as dnsPacket from 'dns-packet';
import { createDnsClient, isDnssecFailure, type DnsClientOptions } from '../../../src/server/dns';
import { respond, startTestDnsServer, withLength, type TestDnsServer } from './test-dns-server';

let dns: TestDnsServer;
let silent: TestDnsServer;

beforeAll(async () => {
  [dns, silent] = await Promise.all([startTestDnsServer(), startTestDnsServer()]);
});
afterAll(() => Promise.all([dns.close(), silent.close()]));
beforeEach(() => {
  dns.received.length = 0;
  silent.received.length = 0;
  dns.handler = () => [];
});

function client(overrides: Partial<DnsClientOptions> = {}) {
  return createDnsClient({
    servers: [dns.address],
    trustAd: true,
    timeoutMs: 1000,
    retries: 0,
    ...overrides,
  });
}

/** A UDP port on 127.0.0.1 that nobody listens on (just bound and closed again): the kernel answers ICMP. */
async function closedPort(): Promise<number> {
  const closed = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => closed.bind(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise<void>((resolve) => closed.close(resolve));
  return port;
}

function answerWith(answers: Answer[], fields: Parameters<typeof respond>[1] = {}) {
  dns.handler = (query) => [{ message: respond(query, { ...fields, answers }) }];
}

const a = (name: string, data: string, ttl = 300): Answer => ({ type: 'A', name, ttl, data });
const cname = (name: string, data: string): Answer => ({ type: 'CNAME', name, ttl: 300, data });

/** A response to `query` in bytes, for tests that corrupt it. */
function encodedResponse(query: DecodedPacket, answers: Answer[]): Buffer {
  return dnsPacket.encode(respond(query, { answers }));
}

describe('the query on the wire', () => {
  it('RFC 1035 §4.1.1: one question, class IN, recursion desired, name lower-case without trailing dot', async () => {
    answerWith([]);
    await client().query('Mail.Example.COM.', 'A');
    const query = dns.received[0]?.query;
    expect(query?.flag_rd).toBe(true);
    expect(query?.questions).toEqual([{ name: 'mail.example.com', type: 'A', class: 'IN' }]);
  });

  it('RFC 6891 §6.1.4: carries an EDNS0 OPT record with the DO bit and the UDP payload size', async () => {
    answerWith([]);
    await client({ udpPayload: 1400 }).query('example.com', 'MX');
    const opt = dns.received[0]?.query.additionals?.find((record) => record.type === 'OPT') as OptAnswer;
    expect(opt.flag_do).toBe(true);
    expect(opt.udpPayloadSize).toBe(1400);
    expect(opt.ednsVersion).toBe(0);
  });

  it('RFC 5452 §4.3: query ids are random', async () => {
    answerWith([]);
    const dnsClient = client();
    for (let i = 0; i < 8; i++) await dnsClient.query('example.com', 'A');
    expect(new Set(dns.received.map(({ query }) => query.id)).size).toBeGreaterThan(1);
  });
});

describe('answers', () => {
  it('RFC 2181 §5.2: returns the RRset with the lowest TTL of its records, names lower-cased', async () => {
    answerWith([a('MAIL.example.com', '192.0.2.1', 300), a('mail.example.com', '192.0.2.2', 60)]);
    await expect(client().query('mail.example.com', 'A')).resolves.toEqual({
      status: 'answer',
      records: ['192.0.2.1', '192.0.2.2'],
      ttl: 60,
      secure: false,
      cnames: [],
    });
  });

  it('returns AAAA addresses', async () => {
    answerWith([{ type: 'AAAA', name: 'mx.example.com', ttl: 30, data: '2001:db8::25' }]);
    const result = await client().query('mx.example.com', 'AAAA');
    expect(result).toMatchObject({ status: 'answer', records: ['2001:db8::25'] });
  });

  it('RFC 7505 §3: the null MX "." comes back as exchange ""; exchanges are lower-cased', async () => {
    answerWith([
      { type: 'MX', name: 'example.com', ttl: 300, data: { preference: 0, exchange: '.' } },
      { type: 'MX', name: 'example.com', ttl: 300, data: { preference: 10, exchange: 'MX1.Example.NET' } },
    ]);
    const result = await client().query('example.com', 'MX');
    expect(result).toMatchObject({
      records: [
        { preference: 0, exchange: '' },
        { preference: 10, exchange: 'mx1.example.net' },
      ],
    });
  });

  it('RFC 8461 §3.1: TXT character-strings stay separate so the caller can join them', async () => {
    answerWith([{ type: 'TXT', name: '_mta-sts.example.com', ttl: 300, data: ['v=STSv1; ', 'id=20240101'] }]);
    const result = await client().query('_mta-sts.example.com', 'TXT');
    expect(result).toMatchObject({ records: [['v=STSv1; ', 'id=20240101']] });
  });

  it('RFC 6698 §2.1: TLSA usage, selector, matching type and association data', async () => {
    const digest = Buffer.alloc(32, 0xab);
    answerWith([
      {
        type: 'TLSA',
        name: '_25._tcp.mx.example.com',
        ttl: 300,
        data: { usage: 3, selector: 1, matchingType: 1, certificate: digest },
      },
    ]);
    const result = await client().query('_25._tcp.mx.example.com', 'TLSA');
    expect(result).toMatchObject({ records: [{ usage: 3, selector: 1, matchingType: 1, data: digest }] });
  });

  it('RFC 7929 §2.1: OPENPGPKEY (type 61) rdata comes back as raw bytes', async () => {
    const key = Buffer.from([0x99, 0x01, 0x0d, 0x04, 0xff]);
    const owner = 'c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com';
    answerWith([{ type: 'UNKNOWN_61', name: owner, ttl: 300, data: key } as unknown as Answer]);
    const result = await client().query(owner, 'OPENPGPKEY');
    expect(dns.received[0]?.query.questions?.[0]?.type).toBe('UNKNOWN_61');
    expect(result).toMatchObject({ status: 'answer', records: [key] });
  });

  it('ignores records owned by names outside the query and its CNAME chain', async () => {
    answerWith([a('attacker.example', '203.0.113.66'), a('mail.example.com', '192.0.2.1')]);
    const result = await client().query('mail.example.com', 'A');
    expect(result).toMatchObject({ records: ['192.0.2.1'] });
  });

  it('RFC 2308 §2.1: NXDOMAIN is an answer, not an error', async () => {
    answerWith([], { rcode: 'NXDOMAIN' });
    await expect(client().query('nope.example.com', 'MX')).resolves.toEqual({
      status: 'nxdomain',
      secure: false,
      cnames: [],
    });
  });

  it('RFC 2308 §2.2: NOERROR without records of the type is NODATA', async () => {
    answerWith([a('example.com', '192.0.2.1')]);
    await expect(client().query('example.com', 'MX')).resolves.toEqual({
      status: 'nodata',
      secure: false,
      cnames: [],
    });
  });
});

describe('RFC 4035 §3.2.3: the AD bit', () => {
  it('makes an answer secure when the resolver is trusted', async () => {
    answerWith([a('example.com', '192.0.2.1')], { ad: true });
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ secure: true });
  });

  it('means nothing from a resolver that is not trusted (RFC 6698 §4.1 needs a secure path)', async () => {
    answerWith([a('example.com', '192.0.2.1')], { ad: true });
    await expect(client({ trustAd: false }).query('example.com', 'A')).resolves.toMatchObject({
      secure: false,
    });
  });

  it('is required: no AD, no secure', async () => {
    answerWith([a('example.com', '192.0.2.1')]);
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ secure: false });
  });

  it('also covers denial of existence (NXDOMAIN, NODATA)', async () => {
    answerWith([], { rcode: 'NXDOMAIN', ad: true });
    await expect(client().query('_25._tcp.mx.example.com', 'TLSA')).resolves.toEqual({
      status: 'nxdomain',
      secure: true,
      cnames: [],
    });
    answerWith([], { ad: true });
    await expect(client().query('_25._tcp.mx.example.com', 'TLSA')).resolves.toMatchObject({
      status: 'nodata',
      secure: true,
    });
  });
});

describe('RFC 4035 §3.2.2: checking disabled (CD) tells a DNSSEC failure from a dead server', () => {
  /** A validating resolver's view of bogus data: SERVFAIL, unless the query sets CD. */
  function bogusUnlessCd() {
    dns.handler = (query) => [
      {
        message: query.flag_cd
          ? respond(query, { answers: [a('bogus.example.com', '192.0.2.1')], ad: true })
          : respond(query, { rcode: 'SERVFAIL' }),
      },
    ];
  }

  it('sets CD only when asked, and an answer to it is never secure, whatever its AD bit', async () => {
    bogusUnlessCd();
    await expect(client().query('bogus.example.com', 'A', { checkingDisabled: true })).resolves.toMatchObject(
      {
        records: ['192.0.2.1'],
        secure: false,
      },
    );
    await expect(client().query('bogus.example.com', 'A')).rejects.toMatchObject({ code: 'DNS_SERVFAIL' });
    expect(dns.received.map((r) => r.query.flag_cd)).toEqual([true, false]);
  });

  it('a SERVFAIL that CD turns into an answer is a DNSSEC failure', async () => {
    bogusUnlessCd();
    const error = await client()
      .query('bogus.example.com', 'A')
      .catch((e: unknown) => e);
    await expect(isDnssecFailure(client(), error, 'bogus.example.com', 'A')).resolves.toBe(true);
  });

  it('a SERVFAIL that stays one with CD, or a time-out, is not', async () => {
    answerWith([], { rcode: 'SERVFAIL' });
    const servfail = await client()
      .query('dead.example.com', 'A')
      .catch((e: unknown) => e);
    await expect(isDnssecFailure(client(), servfail, 'dead.example.com', 'A')).resolves.toBe(false);
    const timeout = await client({ servers: [silent.address], timeoutMs: 100 })
      .query('dead.example.com', 'A')
      .catch((e: unknown) => e);
    expect(timeout).toMatchObject({ code: 'DNS_TIMEOUT' });
    await expect(isDnssecFailure(client(), timeout, 'dead.example.com', 'A')).resolves.toBe(false);
  });
});

describe('CNAME chains (RFC 1034 §4.3.2)', () => {
  it('returns the records owned by the end of the chain and the chain itself', async () => {
    answerWith([
      cname('www.example.com', 'A.example.net'),
      cname('a.example.net', 'b.example.org'),
      a('b.example.org', '192.0.2.7'),
      a('www.example.com', '203.0.113.1'),
    ]);
    await expect(client().query('www.example.com', 'A')).resolves.toMatchObject({
      status: 'answer',
      records: ['192.0.2.7'],
      cnames: ['a.example.net', 'b.example.org'],
    });
  });

  it('RFC 6604 §3: NXDOMAIN refers to the end of the chain', async () => {
    answerWith([cname('www.example.com', 'gone.example.net')], { rcode: 'NXDOMAIN' });
    await expect(client().query('www.example.com', 'A')).resolves.toEqual({
      status: 'nxdomain',
      secure: false,
      cnames: ['gone.example.net'],
    });
  });

  it('a CNAME query returns the alias itself without following it', async () => {
    answerWith([cname('www.example.com', 'a.example.net'), cname('a.example.net', 'b.example.org')]);
    await expect(client().query('www.example.com', 'CNAME')).resolves.toMatchObject({
      records: ['a.example.net'],
      cnames: [],
    });
  });

  it('follows up to 8 CNAMEs', async () => {
    const hops = Array.from({ length: 9 }, (_, i) => `h${i}.example.com`);
    answerWith([
      ...hops.slice(0, -1).map((hop, i) => cname(hop, hops[i + 1] as string)),
      a('h8.example.com', '192.0.2.8'),
    ]);
    await expect(client().query('h0.example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.8'] });
  });

  it('a chain of 9 CNAMEs fails as DNS_SERVFAIL', async () => {
    const hops = Array.from({ length: 10 }, (_, i) => `h${i}.example.com`);
    answerWith(hops.slice(0, -1).map((hop, i) => cname(hop, hops[i + 1] as string)));
    await expect(client().query('h0.example.com', 'A')).rejects.toMatchObject({ code: 'DNS_SERVFAIL' });
  });

  it('a CNAME loop fails as DNS_SERVFAIL', async () => {
    answerWith([cname('a.example.com', 'b.example.com'), cname('b.example.com', 'a.example.com')]);
    await expect(client().query('a.example.com', 'A')).rejects.toMatchObject({ code: 'DNS_SERVFAIL' });
  });
});

describe('server failures', () => {
  it('RFC 1035 §4.1.1: SERVFAIL (also how a validating resolver reports DNSSEC-bogus data) is DNS_SERVFAIL', async () => {
    answerWith([], { rcode: 'SERVFAIL' });
    await expect(client().query('bogus.example.com', 'TLSA')).rejects.toMatchObject({ code: 'DNS_SERVFAIL' });
  });

  it('RFC 1035 §4.1.1: REFUSED is DNS_REFUSED', async () => {
    answerWith([], { rcode: 'REFUSED' });
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_REFUSED' });
  });

  it('any other failure RCODE (NOTIMP) is DNS_SERVFAIL', async () => {
    answerWith([], { rcode: 'NOTIMP' });
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_SERVFAIL' });
  });

  it('a server that never answers is DNS_TIMEOUT after each try, retries included', async () => {
    const started = Date.now();
    await expect(client({ timeoutMs: 150, retries: 1 }).query('example.com', 'A')).rejects.toMatchObject({
      code: 'DNS_TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(dns.received).toHaveLength(2);
  });

  it('retries on the next server', async () => {
    answerWith([a('example.com', '192.0.2.1')]);
    const dnsClient = client({ servers: [silent.address, dns.address], timeoutMs: 150, retries: 1 });
    await expect(dnsClient.query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
    expect(silent.received).toHaveLength(1);
    expect(dns.received).toHaveLength(1);
  });

  it('a port nobody listens on fails fast with DNS_NETWORK', async () => {
    const port = await closedPort();
    const dnsClient = client({ servers: [{ host: '127.0.0.1', port }], timeoutMs: 5000 });
    await expect(dnsClient.query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_NETWORK' });
  });
});

describe('lost datagrams and bursts', () => {
  it('an unanswered UDP query is sent again, same id, within the attempt: a lost datagram costs the resend interval', async () => {
    dns.handler = (query) =>
      dns.received.length === 1
        ? []
        : [{ message: respond(query, { answers: [a('example.com', '192.0.2.9')] }) }];
    const started = Date.now();
    const dnsClient = client({ timeoutMs: 2000, resendAfterMs: 60 });
    await expect(dnsClient.query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.9'] });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(dns.received).toHaveLength(2);
    expect(dns.received[1]?.query.id).toBe(dns.received[0]?.query.id);
  });

  it("resends back off, twice as long each time, and stop at the attempt's time-out", async () => {
    const dnsClient = client({ servers: [silent.address], timeoutMs: 500, resendAfterMs: 60 });
    await expect(dnsClient.query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_TIMEOUT' });
    // Sent at 0, 60, 180 and 420 ms; the next would be at 900.
    expect(silent.received).toHaveLength(4);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(silent.received).toHaveLength(4);
  });

  it('resendAfterMs 0 sends each attempt once', async () => {
    const dnsClient = client({ servers: [silent.address], timeoutMs: 200, resendAfterMs: 0, retries: 1 });
    await expect(dnsClient.query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_TIMEOUT' });
    expect(silent.received).toHaveLength(2);
  });

  it('a burst to a loopback resolver shares a few sockets, at most 64 queries on each, and every answer reaches its query', async () => {
    dns.handler = (query) => {
      const name = query.questions?.[0]?.name ?? '';
      const n = Number(name.split('.')[0]?.slice(1));
      return [{ message: respond(query, { answers: [a(name, `192.0.2.${n}`)] }), delayMs: 20 }];
    };
    // All 200 in flight at once, so that the sockets' share is what is counted.
    const dnsClient = client({ maxInFlight: 200 });
    const names = Array.from({ length: 200 }, (_, n) => `q${n}.example.com`);
    const results = await Promise.all(names.map((name) => dnsClient.query(name, 'A')));
    results.forEach((result, n) => expect(result).toMatchObject({ records: [`192.0.2.${n}`] }));
    const perPort = new Map<number | undefined, number>();
    for (const { fromPort } of dns.received) perPort.set(fromPort, (perPort.get(fromPort) ?? 0) + 1);
    expect(perPort.size).toBeLessThanOrEqual(4);
    expect(Math.max(...perPort.values())).toBeLessThanOrEqual(64);
  });

  it('a socket closes with its last query: queries one at a time each go from a fresh source port', async () => {
    answerWith([a('example.com', '192.0.2.1')]);
    const dnsClient = client();
    for (let i = 0; i < 6; i++) await dnsClient.query(`n${i}.example.com`, 'A');
    expect(new Set(dns.received.map(({ fromPort }) => fromPort)).size).toBeGreaterThan(1);
  });

  it('an error on a shared socket fails every query on it with DNS_NETWORK, fast', async () => {
    const port = await closedPort();
    const dnsClient = client({ servers: [{ host: '127.0.0.1', port }], timeoutMs: 5000 });
    const started = Date.now();
    const both = ['a.example.com', 'b.example.com'].map((name) => dnsClient.query(name, 'A'));
    for (const query of both) await expect(query).rejects.toMatchObject({ code: 'DNS_NETWORK' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('queries in flight to one server (maxInFlight)', () => {
  const slow = (query: DecodedPacket) => [
    { message: respond(query, { answers: [a(query.questions?.[0]?.name ?? '', '192.0.2.1')] }), delayMs: 60 },
  ];

  it('at most maxInFlight at once: the rest are sent, in order, as answers come back', async () => {
    dns.handler = slow;
    const dnsClient = client({ maxInFlight: 3 });
    const names = Array.from({ length: 7 }, (_, n) => `q${n}.example.com`);
    const all = Promise.all(names.map((name) => dnsClient.query(name, 'A')));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(dns.received).toHaveLength(3);
    await expect(all).resolves.toHaveLength(7);
    expect(dns.received.map(({ query }) => query.questions?.[0]?.name)).toEqual(names);
  });

  it('a query waiting its turn ends with its signal, never sent', async () => {
    dns.handler = slow;
    const dnsClient = client({ maxInFlight: 1 });
    const first = dnsClient.query('first.example.com', 'A');
    const controller = new AbortController();
    const waiting = dnsClient.query('second.example.com', 'A', { signal: controller.signal });
    controller.abort(new Error('gave up waiting'));
    await expect(waiting).rejects.toThrow('gave up waiting');
    await expect(first).resolves.toMatchObject({ records: ['192.0.2.1'] });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(dns.received.map(({ query }) => query.questions?.[0]?.name)).toEqual(['first.example.com']);
  });
});

describe('a socket per query (shareLoopbackSockets: false, as for any resolver not on loopback)', () => {
  const ownSockets = (overrides: Partial<DnsClientOptions> = {}) =>
    client({ shareLoopbackSockets: false, ...overrides });

  it('RFC 5452 §9.2: queries at once each go from a port of their own', async () => {
    answerWith([a('example.com', '192.0.2.1')]);
    const dnsClient = ownSockets();
    await Promise.all(['a', 'b', 'c', 'd'].map((n) => dnsClient.query(`${n}.example.com`, 'A')));
    expect(new Set(dns.received.map(({ fromPort }) => fromPort)).size).toBe(4);
  });

  it('an answer from another source port is ignored', async () => {
    dns.handler = (query) => [
      { message: respond(query, { answers: [a('example.com', '203.0.113.66')] }), fromOtherPort: true },
      { message: respond(query, { answers: [a('example.com', '192.0.2.1')] }), delayMs: 50 },
    ];
    await expect(ownSockets().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('a lost datagram is sent again on the same socket', async () => {
    dns.handler = (query) =>
      dns.received.length === 1
        ? []
        : [{ message: respond(query, { answers: [a('example.com', '192.0.2.9')] }) }];
    await expect(ownSockets({ resendAfterMs: 60 }).query('example.com', 'A')).resolves.toMatchObject({
      records: ['192.0.2.9'],
    });
    expect(new Set(dns.received.map(({ fromPort }) => fromPort)).size).toBe(1);
  });

  it('a port nobody listens on fails fast with DNS_NETWORK', async () => {
    const port = await closedPort();
    const dnsClient = ownSockets({ servers: [{ host: '127.0.0.1', port }], timeoutMs: 5000 });
    await expect(dnsClient.query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_NETWORK' });
  });
});

describe('TCP fallback', () => {
  it('RFC 7766 §5: a truncated UDP answer is asked again over TCP (RFC 1035 §4.2.2 length prefix)', async () => {
    const txt = Array.from({ length: 60 }, (_, i): Answer => ({
      type: 'TXT',
      name: 'big.example.com',
      ttl: 300,
      data: `record ${i} ${'x'.repeat(40)}`,
    }));
    dns.handler = (query, transport) => [
      {
        message:
          transport === 'udp'
            ? respond(query, { flags: dnsPacket.TRUNCATED_RESPONSE })
            : respond(query, { answers: txt }),
      },
    ];
    const result = await client().query('big.example.com', 'TXT');
    expect(dns.received.map(({ transport }) => transport)).toEqual(['udp', 'tcp']);
    expect(result).toMatchObject({ status: 'answer' });
    expect(result.status === 'answer' && result.records).toHaveLength(60);
  });

  it('a TCP answer with another id is DNS_MALFORMED', async () => {
    dns.handler = (query, transport) => [
      {
        message:
          transport === 'udp'
            ? respond(query, { flags: dnsPacket.TRUNCATED_RESPONSE })
            : {
                ...respond(query, { answers: [a('example.com', '192.0.2.1')] }),
                id: ((query.id ?? 0) + 1) & 0xffff,
              },
      },
    ];
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_MALFORMED' });
  });

  it('a TCP server that sends half an answer and stalls times out', async () => {
    dns.handler = (query, transport) => [
      {
        message:
          transport === 'udp'
            ? respond(query, { flags: dnsPacket.TRUNCATED_RESPONSE })
            : withLength(encodedResponse(query, [a('example.com', '192.0.2.1')])).subarray(0, 12),
        unframed: true,
      },
    ];
    await expect(client({ timeoutMs: 150 }).query('example.com', 'A')).rejects.toMatchObject({
      code: 'DNS_TIMEOUT',
    });
  });
});

describe('hostile and stray datagrams', () => {
  const realAnswer = (query: DecodedPacket) => ({
    message: respond(query, { answers: [a('example.com', '192.0.2.1')] }),
    delayMs: 50,
  });
  const spoofedAnswer = (query: DecodedPacket) =>
    respond(query, { answers: [a('example.com', '203.0.113.66')] });

  it('RFC 5452 §9.1: a response with another id is ignored', async () => {
    dns.handler = (query) => [
      { message: { ...spoofedAnswer(query), id: ((query.id ?? 0) + 1) & 0xffff } },
      realAnswer(query),
    ];
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('RFC 5452 §9.1: a response to another question is ignored', async () => {
    dns.handler = (query) => [
      {
        message: { ...spoofedAnswer(query), questions: [{ name: 'other.example', type: 'A', class: 'IN' }] },
      },
      realAnswer(query),
    ];
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('RFC 5452 §9.1: a response from another source port is ignored', async () => {
    dns.handler = (query) => [{ message: spoofedAnswer(query), fromOtherPort: true }, realAnswer(query)];
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('a query echoed back (QR bit clear) is ignored', async () => {
    dns.handler = (query) => [{ message: { ...spoofedAnswer(query), type: 'query' } }, realAnswer(query)];
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('garbage datagrams neither crash the client nor end the wait', async () => {
    dns.handler = (query) => [
      { message: Buffer.from('\u0000garbage, not DNS') },
      { message: Buffer.alloc(3) },
      realAnswer(query),
    ];
    await expect(client().query('example.com', 'A')).resolves.toMatchObject({ records: ['192.0.2.1'] });
  });

  it('garbage after a header with our id is DNS_MALFORMED', async () => {
    dns.handler = (query) => {
      const header = encodedResponse(query, []).subarray(0, 12);
      return [{ message: Buffer.concat([header, Buffer.from([0xc0, 0xff, 0xff, 0x3f, 0x01])]) }];
    };
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_MALFORMED' });
  });

  it('RFC 1035 §3.2.1: an A record whose RDLENGTH is not 4 is DNS_MALFORMED', async () => {
    dns.handler = (query) => {
      const message = Buffer.concat([
        encodedResponse(query, [a('example.com', '192.0.2.1')]),
        Buffer.alloc(4),
      ]);
      message.writeUInt16BE(8, message.length - 10); // RDLENGTH precedes the 4 address and 4 extra octets
      return [{ message }];
    };
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_MALFORMED' });
  });

  it('a response claiming more records than any real answer has is DNS_MALFORMED', async () => {
    dns.handler = (query) => {
      const message = encodedResponse(query, [a('example.com', '192.0.2.1')]);
      message.writeUInt16BE(0xffff, 6); // ANCOUNT
      return [{ message }];
    };
    await expect(client().query('example.com', 'A')).rejects.toMatchObject({ code: 'DNS_MALFORMED' });
  });
});

describe('names', () => {
  it.each([
    ['', 'empty'],
    ['a..example.com', 'empty label'],
    [`${'x'.repeat(64)}.example.com`, 'RFC 1035 §2.3.4: label over 63 octets'],
    [`${'abcdefghi.'.repeat(26)}com`, 'RFC 1035 §2.3.4: name over 253 characters'],
    ['mail example.com', 'space'],
    ['bücher.example', 'U-label: callers convert to A-labels'],
  ])('"%s" (%s) is DNS_NAME_INVALID and nothing is sent', async (name) => {
    await expect(client().query(name, 'A')).rejects.toMatchObject({ code: 'DNS_NAME_INVALID' });
    expect(dns.received).toHaveLength(0);
  });
});

describe('AbortSignal', () => {
  it('an aborted signal rejects with its reason before anything is sent', async () => {
    const reason = new Error('caller gave up');
    await expect(client().query('example.com', 'A', { signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(dns.received).toHaveLength(0);
  });

  it('aborting while waiting rejects at once and stops retrying', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = client({ timeoutMs: 5000, retries: 3 }).query('example.com', 'A', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('stop')), 50);
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(dns.received).toHaveLength(1);
  });
});

describe('questions asked again while in flight share one exchange', () => {
  it('the same question asked at once by three callers is sent once, and again once it has been answered', async () => {
    answerWith([a('mx.example.com', '192.0.2.1')]);
    const dnsClient = client();
    const answers = await Promise.all([1, 2, 3].map(() => dnsClient.query('MX.example.com', 'A')));
    expect(answers.map((answer) => answer.status === 'answer' && answer.records)).toEqual([
      ['192.0.2.1'],
      ['192.0.2.1'],
      ['192.0.2.1'],
    ]);
    expect(dns.received).toHaveLength(1);
    await dnsClient.query('mx.example.com', 'A');
    expect(dns.received).toHaveLength(2);
  });

  it('the shared answer is frozen down to its records: no caller can change what the others read', async () => {
    dns.handler = (query) => {
      const name = query.questions?.[0]?.name ?? '';
      const answers: Answer[] = name.startsWith('_25._tcp')
        ? [
            {
              type: 'TLSA',
              name,
              ttl: 300,
              data: { usage: 3, selector: 1, matchingType: 1, certificate: Buffer.alloc(32, 7) },
            },
          ]
        : [
            cname(name, 'mx.example.net'),
            {
              type: 'MX',
              name: 'mx.example.net',
              ttl: 300,
              data: { preference: 10, exchange: 'mx.example.net' },
            },
          ];
      return [{ message: respond(query, { answers }) }];
    };
    const dnsClient = client();
    const [mx, again] = await Promise.all([1, 2].map(() => dnsClient.query('example.com', 'MX')));
    expect(again).toBe(mx);
    if (mx?.status !== 'answer') throw new Error(`no answer: ${mx?.status}`);
    expect(() => mx.records.push({ preference: 0, exchange: 'evil.example' })).toThrow(TypeError);
    expect(() => Object.assign(mx.records[0] as object, { exchange: 'evil.example' })).toThrow(TypeError);
    expect(() => mx.cnames.pop()).toThrow(TypeError);
    expect(() => Object.assign(mx, { secure: true })).toThrow(TypeError);
    const tlsa = await dnsClient.query('_25._tcp.mx.example.net', 'TLSA');
    if (tlsa.status !== 'answer') throw new Error(`no answer: ${tlsa.status}`);
    expect(() => Object.assign(tlsa.records[0] as object, { usage: 2 })).toThrow(TypeError);
    expect(mx.records).toEqual([{ preference: 10, exchange: 'mx.example.net' }]);
  });

  it('another type, or the same question with checking disabled, is another exchange', async () => {
    answerWith([]);
    const dnsClient = client();
    await Promise.all([
      dnsClient.query('example.com', 'A'),
      dnsClient.query('example.com', 'AAAA'),
      dnsClient.query('example.com', 'A', { checkingDisabled: true }),
    ]);
    expect(dns.received.map(({ query }) => `${query.questions?.[0]?.type} ${query.flag_cd}`).sort()).toEqual([
      'A false',
      'A true',
      'AAAA false',
    ]);
  });

  it('a caller that gives up gets its own abort; the others still get the answer', async () => {
    dns.handler = (query) => [
      { message: respond(query, { answers: [a('example.com', '192.0.2.7')] }), delayMs: 150 },
    ];
    const dnsClient = client();
    const controller = new AbortController();
    const leaving = dnsClient.query('example.com', 'A', { signal: controller.signal });
    const staying = dnsClient.query('example.com', 'A');
    setTimeout(() => controller.abort(new Error('caller gave up')), 20);
    await expect(leaving).rejects.toThrow('caller gave up');
    await expect(staying).resolves.toMatchObject({ status: 'answer', records: ['192.0.2.7'] });
    expect(dns.received).toHaveLength(1);
  });

  it('when every caller has given up the exchange stops retrying, and the next caller asks afresh', async () => {
    const dnsClient = client({ servers: [silent.address], timeoutMs: 200, retries: 3 });
    const first = new AbortController();
    const second = new AbortController();
    const pending = [first, second].map((controller) =>
      dnsClient.query('example.com', 'A', { signal: controller.signal }),
    );
    setTimeout(() => first.abort(new Error('first gave up')), 20);
    setTimeout(() => second.abort(new Error('second gave up')), 40);
    await expect(pending[0]).rejects.toThrow('first gave up');
    await expect(pending[1]).rejects.toThrow('second gave up');
    const next = dnsClient.query('example.com', 'A', { signal: AbortSignal.timeout(20) });
    await expect(next).rejects.toThrow();
    // Two first attempts, none of the retries the abandoned one had left (each would come after 200 ms).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(silent.received).toHaveLength(2);
  });
});

describe('createDnsClient', () => {
  it('refuses an empty server list and servers that are not IP addresses', () => {
    expect(() => createDnsClient({ servers: [], trustAd: false })).toThrow(
      expect.objectContaining({ code: 'DNS_SERVER_INVALID' }),
    );
    expect(() => createDnsClient({ servers: [{ host: 'dns.example', port: 53 }], trustAd: false })).toThrow(
      expect.objectContaining({ code: 'DNS_SERVER_INVALID' }),
    );
  });
});
