/**
 * Sends one message to the bed's Postfix as if from a network client. The bed listens on loopback only, and a
 * client on loopback is a local hand-off by DESIGN.md's contract; Postfix's XCLIENT command (allowed for 127/8
 * in the bed's main.cf) makes it record another client address in its Received field, so a network hop is
 * tested without leaving loopback. Nodemailer does not speak XCLIENT, hence this small client.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface XclientSending {
  host: string;
  port: number;
  /** The client's name and address as Postfix should record them (XCLIENT NAME=, ADDR=). */
  client: { name: string; address: string };
  /** STARTTLS with these options; plain SMTP when absent. */
  tls?: ConnectionOptions;
  from: string;
  to: string;
  /** The whole message, header and body, with CRLF or LF line ends. */
  message: string;
  timeoutMs?: number;
}

/** Reads SMTP replies (RFC 5321 §4.2: `ddd-` continues, `ddd ` ends) from whichever socket is current. */
class ReplyReader {
  private buffered = '';
  private lines: string[] = [];
  private waiting?: { resolve: (reply: string) => void; reject: (error: Error) => void };

  constructor(private socket: Socket | TLSSocket) {
    this.listen(socket);
  }

  private listen(socket: Socket | TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.take(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('the SMTP server closed the connection')));
  }

  /** Before STARTTLS's handshake: the plain socket is handed to TLS, and its listeners must let go of it. */
  detach(): void {
    this.socket.removeAllListeners('data').removeAllListeners('close').removeAllListeners('error');
  }

  /** After STARTTLS: replies now come over the TLS socket. */
  attach(socket: TLSSocket): void {
    this.socket = socket;
    this.listen(socket);
  }

  private take(chunk: string): void {
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\r\n')) >= 0) {
      const line = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      this.lines.push(line);
      if (line[3] !== '-') this.finish();
    }
  }

  private finish(): void {
    const reply = this.lines.join('\n');
    this.lines = [];
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(reply);
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(error);
  }

  /** Sends `command` (if any) and waits for a reply whose code starts with `expected`. */
  async exchange(command: string | undefined, expected: string): Promise<string> {
    const reply = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
    if (command !== undefined) this.socket.write(`${command}\r\n`);
    const text = await reply;
    if (!text.startsWith(expected))
      throw new Error(`SMTP: ${command ?? 'greeting'} answered "${text}", expected ${expected}`);
    return text;
  }
}

/** RFC 5321 §4.5.2: lines starting with a dot get another; the message ends with CRLF.CRLF. */
function dataSection(message: string): string {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return `${lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n')}\r\n.`;
}

export async function sendWithXclient(sending: XclientSending): Promise<void> {
  const socket = connectTcp({ host: sending.host, port: sending.port });
  let current: Socket | TLSSocket = socket;
  const timer = setTimeout(
    () => current.destroy(new Error('the SMTP exchange took too long')),
    sending.timeoutMs ?? 15_000,
  );
  const smtp = new ReplyReader(socket);
  const ehlo = `EHLO ${sending.client.name}`;
  try {
    await smtp.exchange(undefined, '220');
    await smtp.exchange(ehlo, '250');
    // XCLIENT answers with a new greeting: the session starts again as the named client.
    await smtp.exchange(`XCLIENT NAME=${sending.client.name} ADDR=${sending.client.address}`, '220');
    await smtp.exchange(ehlo, '250');
    if (sending.tls) {
      await smtp.exchange('STARTTLS', '220');
      smtp.detach();
      const secure = connectTls({ ...sending.tls, socket });
      current = secure;
      smtp.attach(secure);
      await new Promise<void>((resolve, reject) => {
        secure.once('secureConnect', resolve);
        secure.once('error', reject);
      });
      await smtp.exchange(ehlo, '250');
    }
    await smtp.exchange(`MAIL FROM:<${sending.from}>`, '250');
    await smtp.exchange(`RCPT TO:<${sending.to}>`, '250');
    await smtp.exchange('DATA', '354');
    await smtp.exchange(dataSection(sending.message), '250');
    await smtp.exchange('QUIT', '221').catch(() => undefined);
  } finally {
    clearTimeout(timer);
    current.destroy();
  }
}
