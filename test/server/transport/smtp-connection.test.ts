/**
 * SmtpConnection against a TLS server on 127.0.0.1 (certificate made by the openssl CLI): what it does with bytes
 * the server sends before the first command over TLS has gone out.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { SmtpConnection } from '../../../src/server/transport/smtp-connection';
import { opensslIn } from '../../helpers/openssl';

let dir: string;
let server: net.Server;
/** The lines the server received over TLS, one list per connection in the order they came. */
const sessions: string[][] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-smtp-connection-'));
  opensslIn(dir)(
    'req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -keyout mx.key -out mx.crt -subj /CN=mx',
  );
  const secureContext = tls.createSecureContext({
    key: readFileSync(join(dir, 'mx.key')),
    cert: readFileSync(join(dir, 'mx.crt')),
  });
  // TLS from the first byte: the STARTTLS dialogue before it is not what these tests are about.
  server = net.createServer((socket) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext });
    const received: string[] = [];
    sessions.push(received);
    secure.on('error', () => secure.destroy());
    secure.on('data', (chunk: Buffer) => {
      received.push(...chunk.toString('latin1').split('\r\n').filter(Boolean));
      secure.write('250 mx\r\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `use` on a connection to the server that has completed its TLS handshake, and closes it after. */
async function overTls(
  use: (connection: SmtpConnection, secure: tls.TLSSocket) => Promise<void>,
): Promise<void> {
  const { port } = server.address() as net.AddressInfo;
  const connection = new SmtpConnection(
    { address: '127.0.0.1', port },
    { dial: (to) => net.connect(to), remainingMs: () => 5000 },
  );
  try {
    await connection.connect(5000);
    await use(connection, await connection.startTls({ rejectUnauthorized: false, servername: 'mx' }, 5000));
  } finally {
    connection.close();
  }
}

describe('SmtpConnection: the first command over TLS', () => {
  it('a reply that arrives before the command is written: SMTP_UNSOLICITED_REPLY, not taken as its reply', () =>
    overTls(async (connection, secure) => {
      const reply = connection.command('ehlo-tls', 'EHLO probe.test', 5000);
      // Bytes in the turn the command waits out, before it is written: the server spoke first.
      secure.emit('data', Buffer.from('250 not an answer to anything\r\n'));
      await expect(reply).rejects.toMatchObject({
        outcome: 'protocol-error',
        code: 'SMTP_UNSOLICITED_REPLY',
        phase: 'ehlo-tls',
      });
    }));

  it('without early bytes the first command over TLS is sent and answered', () =>
    overTls(async (connection) => {
      await expect(connection.command('ehlo-tls', 'EHLO probe.test', 5000)).resolves.toMatchObject({
        code: 250,
      });
      expect(sessions.at(-1)).toEqual(['EHLO probe.test']);
    }));
});
