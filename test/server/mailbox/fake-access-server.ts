/**
 * Scripted IMAP, POP3 and submission servers on a 127.x loopback address, for the mailbox-access probe tests: each
 * answers command lines from a table, upgrades to TLS on the protocol's STARTTLS command (or from the first byte),
 * and records every line it received, so a test can show that no password was ever sent.
 */
import net from 'node:net';
import tls from 'node:tls';
import { stopAtFileEnd } from '../../helpers/scratch';

export interface FakeScript {
  /** Sent on connection (after the handshake for implicit TLS); `null`: a tarpit that never greets. */
  greeting: string | null;
  /** Answers per command (upper-cased first word), before TLS; `{tag}` is replaced by the command's tag. */
  plain: Record<string, string>;
  /** Answers per command over TLS. */
  overTls?: Record<string, string>;
  /** The command that starts TLS once its answer is written (STARTTLS, STLS). */
  startTlsCommand?: string;
  tls?: tls.SecureContextOptions;
  /** TLS from the first byte. */
  implicit?: boolean;
}

export interface FakeServer {
  address: string;
  port: number;
  /** Every line received, over all connections, in order. */
  received: string[];
}

export async function fakeAccessServer(script: FakeScript, address = '127.0.0.1'): Promise<FakeServer> {
  const received: string[] = [];
  const server = net.createServer((socket) => serve(socket, script, received));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  stopAtFileEnd(() => new Promise((resolve) => server.close(() => resolve())));
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  stopAtFileEnd(async () => sockets.forEach((socket) => socket.destroy()));
  return { address, port: (server.address() as net.AddressInfo).port, received };
}

function serve(socket: net.Socket, script: FakeScript, received: string[]): void {
  socket.on('error', () => socket.destroy());
  let current: net.Socket = socket;
  let secure = false;
  let buffer = '';
  const greet = () => script.greeting !== null && current.write(script.greeting);
  const upgrade = () => {
    socket.off('data', onData);
    const wrapped = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: tls.createSecureContext(script.tls),
    });
    wrapped.on('error', () => wrapped.destroy());
    wrapped.on('data', onData);
    current = wrapped;
    secure = true;
    return wrapped;
  };
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let end = buffer.indexOf('\r\n'); end >= 0; end = buffer.indexOf('\r\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      received.push(line);
      answer(line);
    }
  };
  const answer = (line: string) => {
    const words = line.split(' ');
    // IMAP commands carry a tag first; POP3 and SMTP commands do not.
    const tagged = /^S[0-9]+$/.test(words[0] ?? '');
    const tag = tagged ? (words[0] as string) : '';
    const command = ((tagged ? words[1] : words[0]) ?? '').toUpperCase();
    const table = secure ? (script.overTls ?? {}) : script.plain;
    const reply = table[command];
    if (reply === undefined) return;
    current.write(reply.split('{tag}').join(tag));
    if (!secure && command === script.startTlsCommand) upgrade();
  };
  socket.on('data', onData);
  if (script.implicit) {
    upgrade().once('secure', greet);
  } else {
    greet();
  }
}
