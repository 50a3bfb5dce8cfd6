/**
 * Connected UDP sockets to a loopback resolver, each shared by up to LANE_CAPACITY queries in flight. A domain
 * check asks some sixteen questions, and a batch of domains hundreds at once: a socket of its own for each costs
 * more CPU (create, bind, connect, close) than the rest of the exchange. Answers on a shared socket are handed to
 * the query with their id; the exchange still checks the question (message.ts).
 *
 * Only for a loopback resolver. Elsewhere a fresh socket per query keeps its source port random (RFC 5452 §9.2),
 * which an off-path attacker would otherwise learn once and reuse; on loopback nobody off the host can send to us
 * as the resolver, and a connected socket takes datagrams from the resolver's address and port alone.
 *
 * The capacity also bounds what one socket's receive buffer must hold when a burst of answers arrives while the
 * process is busy: the kernel drops datagrams beyond it, and each loss costs a resend.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { DnsServer } from './exchange';

const LANE_CAPACITY = 64;

type Receiver = (message: Buffer) => void;
type Failure = (error: Error) => void;

interface Waiting {
  receive: Receiver;
  fail: Failure;
}

/** One connected socket and the queries waiting on it, by id. It closes once the last of them is done. */
class Lane {
  private readonly waiting = new Map<number, Waiting>();
  private readonly socket: dgram.Socket;
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(
    server: DnsServer,
    private readonly onClosed: (lane: Lane) => void,
  ) {
    this.socket = dgram.createSocket(net.isIP(server.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('message', (message: Buffer) => {
      if (message.length < 2) return;
      this.waiting.get(message.readUInt16BE(0))?.receive(message);
    });
    this.socket.on('error', this.failAll);
    this.ready = new Promise((resolve) => this.socket.connect(server.port, server.host, resolve));
  }

  /**
   * A socket error concerns every query on it, as it would each one's own socket. The kernel reports an ICMP
   * port unreachable once, to whichever call comes next: a receive (the 'error' event) or a send (its callback).
   */
  private readonly failAll = (error: Error | null) => {
    if (error) for (const { fail } of [...this.waiting.values()]) fail(error);
  };

  hasRoomFor(id: number): boolean {
    return !this.closed && this.waiting.size < LANE_CAPACITY && !this.waiting.has(id);
  }

  /** Sends `bytes` once connected (again for each resend); the answers with `id` go to `receive`. */
  join(id: number, waiting: Waiting): { send(bytes: Buffer): void; leave(): void } {
    this.waiting.set(id, waiting);
    return {
      send: (bytes) => void this.ready.then(() => this.closed || this.socket.send(bytes, this.failAll)),
      leave: () => {
        if (this.waiting.get(id) !== waiting) return;
        this.waiting.delete(id);
        if (this.waiting.size === 0) this.close();
      },
    };
  }

  private close(): void {
    this.closed = true;
    this.onClosed(this);
    this.socket.close();
  }
}

/**
 * A connected socket of one query's own, as every query to a server not on loopback gets: it only receives
 * datagrams from the server's address and port, and closes when the query is done.
 */
export function ownLane(server: DnsServer, id: number, waiting: Waiting): ReturnType<Lane['join']> {
  return new Lane(server, () => undefined).join(id, waiting);
}

/** A DNS client's lanes to one loopback server. */
export class UdpLanes {
  private lanes: Lane[] = [];

  constructor(private readonly server: DnsServer) {}

  /** A lane with room for a query with `id`: an open one, or a new one. */
  take(id: number, waiting: Waiting): ReturnType<Lane['join']> {
    let lane = this.lanes.find((candidate) => candidate.hasRoomFor(id));
    if (!lane) {
      lane = new Lane(this.server, (closed) => (this.lanes = this.lanes.filter((other) => other !== closed)));
      this.lanes.push(lane);
    }
    return lane.join(id, waiting);
  }
}
