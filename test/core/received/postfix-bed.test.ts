/**
 * The Received report over mail really delivered by the test bed's Postfix (smtpd_tls_received_header = yes):
 * its own notation, not a hand-written copy of it. Each test sends its own message with a unique subject, so
 * nothing depends on what other tests left in the maildir or on the order tests run in.
 *
 * The bed's smtpd services listen on loopback only, and a client on loopback is a local hand-off by design
 * (docs/received-headers.md), so network hops are sent with XCLIENT naming a documentation address (RFC 5737) as the
 * client: Postfix records it as it would a client from the network, and nothing leaves loopback.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { isLoopback } from '../../../src/core/received/address';
import { receivedReport, type Hop } from '../../../src/core/received';
import { waitForMail } from '../../escrow/maildir';
import { runCli } from '../../helpers/cli';
import { sendWithXclient } from '../../helpers/smtp-xclient';
import { testbed } from '../../helpers/testbed';

const bed = testbed();
const MX_NAME = `mx.${bed.zone.replace(/\.$/, '')}`;
const CLIENT_NAME = 'client.sender.example';
/** RFC 5737 TEST-NET-3: only ever written into a Received field by XCLIENT, never connected to. */
const NETWORK_CLIENT = '203.0.113.25';

type Service = 'good' | 'plain' | 'legacy';

interface Sending {
  service: Service;
  /** Send as a client from the network (XCLIENT) rather than as the loopback client the test really is. */
  fromNetwork?: boolean;
  recipient?: string;
  /** A whole message to relay as it is, Received lines and all. */
  raw?: string;
}

function tlsOptions(service: Service) {
  return {
    ca: readFileSync(bed.caFile),
    servername: `mx.${bed.mailDomain}`,
    // The legacy smtpd speaks only TLS 1.0 and 1.1, which OpenSSL 3 refuses above security level 0.
    ...(service === 'legacy' ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  };
}

/** Sends one message through a bed smtpd (STARTTLS where it offers it) and returns it as delivered. */
async function deliver({ service, fromNetwork = false, recipient = 'bob', raw }: Sending): Promise<string> {
  const [host, port] = bed.smtp[service]!.split(':') as [string, string];
  const token = `received-bed-${randomUUID()}`;
  const envelope = { from: 'ann@sender.example', to: `${recipient}@${bed.mailDomain}` };
  const message =
    raw === undefined
      ? `From: <${envelope.from}>\r\nTo: <${envelope.to}>\r\nSubject: ${token}\r\n\r\nA message for the Received parser tests.\r\n`
      : raw.replace(/^Subject: .*$/m, `Subject: ${token}`);
  if (fromNetwork) {
    await sendWithXclient({
      host,
      port: Number(port),
      client: { name: CLIENT_NAME, address: NETWORK_CLIENT },
      ...(service === 'plain' ? {} : { tls: tlsOptions(service) }),
      ...envelope,
      message,
    });
  } else {
    const transport = createTransport({
      host,
      port: Number(port),
      name: CLIENT_NAME,
      requireTLS: service !== 'plain',
      ignoreTLS: service === 'plain',
      tls: tlsOptions(service),
    });
    try {
      await transport.sendMail({ envelope, raw: message });
    } finally {
      transport.close();
    }
  }
  return waitForMail(bed.mailDir, (delivered) => delivered.includes(token));
}

/** What every hop the bed's Postfix writes holds, whatever its transport. */
function expectPostfixHop(hop: Hop, recipient: string): void {
  expect(hop).toMatchObject({
    from: CLIENT_NAME,
    by: MX_NAME,
    for: `${recipient}@${bed.mailDomain}`,
  });
  expect(hop.id).toMatch(/^[0-9A-Za-z]{8,}$/);
  // Postfix stamps its own clock: the date must read as now, give or take a slow machine.
  expect(Math.abs(Date.parse(hop.date!) - Date.now())).toBeLessThan(10 * 60_000);
}

describe("Received report over the bed's real Postfix", () => {
  test('STARTTLS from a network address: TLS 1.3 with its cipher, all-tls', async () => {
    const report = receivedReport(await deliver({ service: 'good', fromNetwork: true }));
    expect(report.hops).toHaveLength(1);
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({
      with: 'ESMTPS',
      tls: 'tls1.3',
      version: 'TLSv1.3',
      fromAddress: NETWORK_CLIENT,
    });
    expect(hop.cipher).toMatch(/^TLS_(?:AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
    expect(report.summary).toBe('all-tls');
  });

  test('no STARTTLS on offer from a network address: plain, some-plain', async () => {
    const report = receivedReport(await deliver({ service: 'plain', fromNetwork: true }));
    expect(report.hops).toHaveLength(1);
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({
      with: 'ESMTP',
      tls: 'plain',
      version: null,
      cipher: null,
      fromAddress: NETWORK_CLIENT,
    });
    expect(report.summary).toBe('some-plain');
  });

  test('an smtpd that speaks only TLS 1.0 and 1.1: the version below 1.2 is reported as recorded', async () => {
    const report = receivedReport(await deliver({ service: 'legacy', fromNetwork: true }));
    const [hop] = report.hops as [Hop];
    expect(hop).toMatchObject({ with: 'ESMTPS', tls: 'tls1.1', version: 'TLSv1.1' });
    expect(hop.cipher).toMatch(/^[A-Z0-9-]+$/);
    expect(report.summary).toBe('all-tls');
  });

  test('a client on loopback is a local hand-off, its TLS still recorded', async () => {
    const report = receivedReport(await deliver({ service: 'good' }));
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({ with: 'ESMTPS', tls: 'local', version: 'TLSv1.3' });
    expect(isLoopback(hop.fromAddress!)).toBe(true);
    expect(report.summary).toBe('unknown');
  });

  test('relayed twice: the hops run oldest first and one plain hop decides the summary', async () => {
    const first = await deliver({ service: 'good', fromNetwork: true });
    // Another recipient: Postfix refuses to deliver a message that already carries Delivered-To for the same one.
    const second = await deliver({ service: 'plain', fromNetwork: true, recipient: 'carol', raw: first });
    const report = receivedReport(second);
    expect(report.hops.map((hop) => [hop.with, hop.tls, hop.for])).toEqual([
      ['ESMTPS', 'tls1.3', `bob@${bed.mailDomain}`],
      ['ESMTP', 'plain', `carol@${bed.mailDomain}`],
    ]);
    expect(report.summary).toBe('some-plain');
  });

  test('sendguard headers reads the delivered file', async () => {
    const raw = await deliver({ service: 'good', fromNetwork: true });
    const folder = mkdtempSync(join(tmpdir(), 'sendguard-received-'));
    const file = join(folder, 'delivered.eml');
    writeFileSync(file, raw);
    // The file is read whole before the checks, so it can go at once, whatever they find.
    const [json, human] = await Promise.all([
      runCli(['headers', file, '--json']),
      runCli(['headers', file]),
    ]).finally(() => rmSync(folder, { recursive: true, force: true }));
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toBe('all-tls');
    expect(report.hops).toHaveLength(1);
    expect(report.hops[0]).toMatchObject({ from: CLIENT_NAME, by: MX_NAME, tls: 'tls1.3' });
    expect(human.stdout).toMatch(
      new RegExp(`1\\. client\\.sender\\.example → ${MX_NAME.replace(/\./g, '\\.')}\\s+TLS 1\\.3 \\(TLS_`),
    );
    expect(human.stdout).toContain('Encrypted on every hop the headers record (1 of 1).');
  });
});
