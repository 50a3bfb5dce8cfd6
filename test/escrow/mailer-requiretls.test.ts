/**
 * RFC 8689: the service's own mail (codes, notices) asks for REQUIRETLS where the relay offers it, and goes
 * without where it does not. Peers: nodemailer's smtp-server with STARTTLS (a certificate from the test's CA),
 * offering REQUIRETLS or not, and the test bed's Postfix 3.7, which does not offer it.
 */
import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { codeMail, smtpMailer } from '../../src/server/escrow/mailer';
import { testbed } from '../helpers/testbed';
import { testPki, type TestPki } from '../helpers/test-pki';
import { bedRelay } from './bed-relay';
import { waitForMail } from './maildir';

let pki: TestPki;

beforeAll(() => {
  pki = testPki();
});
afterAll(() => pki.remove());

interface Relay {
  port: number;
  connections: number;
  /** Per delivered message: whether its MAIL FROM carried REQUIRETLS. */
  delivered: Array<{ requireTLS: boolean; to: string }>;
  close(): Promise<void>;
}

async function startRelay(offersRequireTls: boolean): Promise<Relay> {
  const tls = pki.leaf(['relay.sendguard.test']);
  const relay: Relay = { port: 0, connections: 0, delivered: [], close: async () => undefined };
  const server = new SMTPServer({
    ...tls,
    hideREQUIRETLS: !offersRequireTls,
    authOptional: true,
    logger: false,
    onConnect: (_session, callback) => {
      relay.connections += 1;
      callback();
    },
    onData: (stream, session, callback) => {
      stream.resume();
      stream.on('end', () => {
        relay.delivered.push({
          requireTLS: session.envelope.requireTLS === true,
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  relay.port = (server.server.address() as { port: number }).port;
  relay.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return relay;
}

const mailerFor = (relay: Relay) =>
  smtpMailer({
    host: '127.0.0.1',
    port: relay.port,
    secure: false,
    from: 'sendguard@sendguard.test',
    ca: pki.ca,
    servername: 'relay.sendguard.test',
    allowPlaintextRelay: false,
  });

test('RFC 8689 §4.1: a relay that offers REQUIRETLS gets it with MAIL FROM', async () => {
  const relay = await startRelay(true);
  try {
    const mailer = mailerFor(relay);
    await mailer.send(codeMail('ana@clinic.example', '12345678', 'Dr. Lee', 10));
    await mailer.send(codeMail('bob@clinic.example', '87654321', 'Dr. Lee', 10));
    expect(relay.delivered).toEqual([
      { requireTLS: true, to: 'ana@clinic.example' },
      { requireTLS: true, to: 'bob@clinic.example' },
    ]);
    expect(relay.connections).toBe(2);
  } finally {
    await relay.close();
  }
});

test('a relay that does not offer it gets the mail without, and is not asked again', async () => {
  const relay = await startRelay(false);
  try {
    const mailer = mailerFor(relay);
    await mailer.send(codeMail('ana@clinic.example', '12345678', 'Dr. Lee', 10));
    expect(relay.delivered).toEqual([{ requireTLS: false, to: 'ana@clinic.example' }]);
    // The refused try ended before MAIL FROM, on its own connection.
    expect(relay.connections).toBe(2);
    await mailer.send(codeMail('bob@clinic.example', '87654321', 'Dr. Lee', 10));
    expect(relay.connections).toBe(3);
    expect(relay.delivered).toHaveLength(2);
  } finally {
    await relay.close();
  }
});

test("the test bed's Postfix, which does not offer REQUIRETLS, delivers the code", async () => {
  const bed = testbed();
  const mailer = smtpMailer(bedRelay(bed));
  const sender = `Dr. Requiretls ${randomBytes(4).toString('hex')}`;
  await mailer.send(codeMail('someone@mailbox.sendguard.test', '24681357', sender, 10));
  const raw = await waitForMail(bed.mailDir, (mail) => mail.includes(sender));
  expect(raw).toContain('Your code is 24681357');
}, 30_000);
