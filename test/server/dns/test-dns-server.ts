/**
 * A tiny scriptable DNS server on 127.0.0.1, UDP and TCP on the same ephemeral port. Each test sets `handler`,
 * which sees every query and says what to send back: encoded packets, raw bytes, delayed, from another port,
 * or nothing at all.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import * as dnsPacket from 'dns-packet';

export type Transport = 'udp' | 'tcp';

export interface Reply {
  message: dnsPacket.Packet | Buffer;
  delayMs?: number;
  /** Send from a different UDP port than the one queried: an off-path spoofing attempt. */
  fromOtherPort?: boolean;
  /** Over TCP, write `message` as it is, without the length prefix: for prefixes that lie. */
  unframed?: boolean;
}

export type Handler = (query: dnsPacket.DecodedPacket, transport: Transport) => Reply[];

export interface TestDnsServer {
  address: { host: string; port: number };
  handler: Handler;
  /** `fromPort`: the client's source port, for UDP queries. */
  received: Array<{ query: dnsPacket.DecodedPacket; transport: Transport; fromPort?: number }>;
  close(): Promise<void>;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** A response to `query` echoing its id and question; rcode and AD go into the header flags. */
export function respond(
  query: dnsPacket.DecodedPacket,
  fields: { rcode?: keyof typeof RCODES; ad?: boolean; answers?: dnsPacket.Answer[]; flags?: number } = {},
): dnsPacket.Packet {
  const adFlag = fields.ad ? dnsPacket.AUTHENTIC_DATA : 0;
  return {
    type: 'response',
    id: query.id,
    flags:
      dnsPacket.RECURSION_DESIRED |
      dnsPacket.RECURSION_AVAILABLE |
      adFlag |
      (fields.flags ?? 0) |
      RCODES[fields.rcode ?? 'NOERROR'],
    questions: query.questions,
    answers: fields.answers ?? [],
  };
}

export async function startTestDnsServer(): Promise<TestDnsServer> {
  const { tcp, udp, port } = await bindSamePort();
  const spoofer = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
  const timers = new Set<NodeJS.Timeout>();
  const state: TestDnsServer = {
    address: { host: '127.0.0.1', port },
    handler: () => [],
    received: [],
    close: async () => {
      timers.forEach(clearTimeout);
      await Promise.all([
        new Promise<void>((resolve) => tcp.close(() => resolve())),
        new Promise<void>((resolve) => udp.close(resolve)),
        new Promise<void>((resolve) => spoofer.close(resolve)),
      ]);
    },
  };
  const later = (delayMs: number | undefined, send: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, delayMs ?? 0);
    timers.add(timer);
  };
  const replies = (bytes: Buffer, transport: Transport, fromPort?: number): Reply[] => {
    const query = dnsPacket.decode(bytes);
    state.received.push({ query, transport, ...(fromPort === undefined ? {} : { fromPort }) });
    return state.handler(query, transport);
  };

  udp.on('message', (bytes, peer) => {
    for (const reply of replies(bytes, 'udp', peer.port)) {
      const socket = reply.fromOtherPort ? spoofer : udp;
      later(reply.delayMs, () => socket.send(encode(reply.message), peer.port, peer.address));
    }
  });
  tcp.on('connection', (socket) => {
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      const query = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
      buffered = Buffer.alloc(0);
      for (const reply of replies(query, 'tcp')) {
        const bytes = encode(reply.message);
        later(reply.delayMs, () => socket.write(reply.unframed ? bytes : withLength(bytes)));
      }
    });
  });
  return state;
}

function encode(message: dnsPacket.Packet | Buffer): Buffer {
  return Buffer.isBuffer(message) ? message : dnsPacket.encode(message);
}

export function withLength(message: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  return Buffer.concat([length, message]);
}

/** TCP first on an ephemeral port, then UDP on the same number; another process may hold it, so retry. */
async function bindSamePort(): Promise<{ tcp: net.Server; udp: dgram.Socket; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as net.AddressInfo).port;
    const udp = dgram.createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) return { tcp, udp, port };
    tcp.close();
    if (attempt === 5) throw new Error('no port free for both UDP and TCP');
  }
}
