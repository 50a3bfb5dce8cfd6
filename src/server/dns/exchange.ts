/**
 * One query to one server: over UDP, and again over TCP when the UDP answer was truncated (RFC 7766 §5). Every
 * exchange ends by its deadline or its stop (stop.ts), whatever the server does.
 */
import net from 'node:net';
import { DnsMalformedError, DnsNetworkError, DnsTimeoutError } from './errors';
import { inspectResponse, type DnsResponse, type Query } from './message';
import type { Stop } from './stop';
import { ownLane, type UdpLanes } from './udp-lanes';

export interface DnsServer {
  /** An IP address: the client never resolves its own resolver's name. */
  host: string;
  port: number;
}

interface ExchangeLimits {
  timeoutMs: number;
  /**
   * When to send an unanswered UDP query again, on the same socket with the same id: this long after the first
   * send, then twice as long after each resend, until `timeoutMs`. 0 sends it once.
   */
  resendAfterMs: number;
  stop?: Stop;
  /** Shared sockets to a loopback server (udp-lanes.ts); a socket per query without them (any other server). */
  lanes?: UdpLanes;
}

export async function exchange(
  server: DnsServer,
  query: Query,
  limits: ExchangeLimits,
): Promise<DnsResponse> {
  const overUdp = await udpExchange(server, query, limits);
  return overUdp ?? tcpExchange(server, query, limits);
}

type Settle<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };

/**
 * Runs `start` (which opens sockets and returns their teardown) until it settles, the time-out fires or it is
 * stopped, whichever comes first; the teardown runs exactly once.
 */
function underDeadline<T>(
  what: string,
  limits: ExchangeLimits,
  start: (settle: Settle<T>) => () => void,
): Promise<T> {
  const { stop } = limits;
  if (stop?.isStopped) return Promise.reject(stop.reason);
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let teardown: (() => void) | undefined;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unwatch?.();
      teardown?.();
      outcome();
    };
    const timer = setTimeout(
      () => finish(() => reject(new DnsTimeoutError(`${what}: no answer within ${limits.timeoutMs} ms`))),
      limits.timeoutMs,
    );
    const unwatch = stop?.watch((reason) => finish(() => reject(reason)));
    try {
      teardown = start({
        resolve: (value) => finish(() => resolve(value)),
        reject: (error) => finish(() => reject(error)),
      });
    } catch (error) {
      finish(() => reject(error));
    }
    // Settled while `start` was still running: its sockets exist only now.
    if (done) teardown?.();
  });
}

/** The response, or undefined when it was truncated. */
function udpExchange(
  server: DnsServer,
  query: Query,
  limits: ExchangeLimits,
): Promise<DnsResponse | undefined> {
  const what = `${serverLabel(server)} over UDP`;
  return underDeadline(what, limits, ({ resolve, reject }) => {
    const receive = (message: Buffer) => {
      try {
        const inspection = inspectResponse(message, query, 'udp');
        if (inspection.kind === 'truncated') resolve(undefined);
        else if (inspection.kind === 'response') resolve(inspection.response);
      } catch (error) {
        reject(error);
      }
    };
    const fail = (error: Error) => reject(new DnsNetworkError(`${what}: ${error.message}`, error));
    const channel = limits.lanes
      ? limits.lanes.take(query.id, { receive, fail })
      : ownLane(server, query.id, { receive, fail });
    const stopResending = resend(() => channel.send(query.bytes), limits.resendAfterMs);
    return () => {
      stopResending();
      channel.leave();
    };
  });
}

/**
 * Sends now, and again after `firstMs`, `2 × firstMs`… (cumulative doubling) until stopped. A datagram lost on
 * the way — a resolver's receive buffer overflows under a burst of queries — then costs a quarter second, not the
 * attempt's whole time-out.
 */
function resend(send: () => void, firstMs: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sendAndWait = (waitMs: number) => {
    send();
    if (firstMs > 0) timer = setTimeout(() => sendAndWait(waitMs * 2), waitMs);
  };
  sendAndWait(firstMs);
  return () => clearTimeout(timer);
}

function tcpExchange(server: DnsServer, query: Query, limits: ExchangeLimits): Promise<DnsResponse> {
  const what = `${serverLabel(server)} over TCP`;
  return underDeadline(what, limits, ({ resolve, reject }) => {
    const socket = net.connect({ host: server.host, port: server.port });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(query.bytes.length);
    socket.on('connect', () => socket.write(Buffer.concat([length, query.bytes])));
    socket.on('error', (error) => reject(new DnsNetworkError(`${what}: ${error.message}`, error)));
    socket.on('close', () =>
      reject(new DnsMalformedError(`${what}: connection closed before a full answer`)),
    );
    socket.on(
      'data',
      frameReader((message) => {
        try {
          const inspection = inspectResponse(message, query, 'tcp');
          // On a stream the server has no excuse for answering anything but our one question.
          if (inspection.kind !== 'response') {
            throw new DnsMalformedError(`${what}: answer does not match query`);
          }
          resolve(inspection.response);
        } catch (error) {
          reject(error);
        }
      }),
    );
    return () => socket.destroy();
  });
}

/**
 * Collects the first two-byte length-prefixed message of a TCP stream (RFC 1035 §4.2.2). Chunks are joined once,
 * when the message is complete, so a server trickling single bytes costs no quadratic copying; the prefix caps
 * what is kept at 64 KiB plus one chunk.
 */
function frameReader(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  const chunks: Buffer[] = [];
  let received = 0;
  let length: number | undefined;
  return (chunk) => {
    chunks.push(chunk);
    received += chunk.length;
    if (length === undefined && received >= 2) length = Buffer.concat(chunks).readUInt16BE(0);
    if (length !== undefined && received >= 2 + length) {
      onMessage(Buffer.concat(chunks).subarray(2, 2 + length));
    }
  };
}

/** Labels by server object: a client labels every exchange with its server, and hundreds run at once. */
const labels = new WeakMap<DnsServer, string>();

export function serverLabel(server: DnsServer): string {
  let label = labels.get(server);
  if (label === undefined) {
    label = net.isIP(server.host) === 6 ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
    labels.set(server, label);
  }
  return label;
}
