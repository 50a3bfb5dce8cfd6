/**
 * The Received report over mail really delivered by the test bed's Postfix (smtpd_tls_received_header = yes):
 * its own notation, not a hand-written copy of it. Each test sends its own message with a unique subject, so
 * nothing depends on what other tests left in the maildir or on the order tests run in.
 *
 * The bed's smtpd services listen on loopback only, and a client on loopback is a local hand-off by design
 * (DESIGN.md), so network hops are sent from this machine's own non-loopback address: Linux routes it to a
 * 127.x listener over `lo`, and Postfix records that address as the client's.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { headersCommand } from '../../../src/cli/commands/headers';
import type { CliIo } from '../../../src/cli/io';
import { isLoopback } from '../../../src/core/received/address';
import { transportReport, type Hop } from '../../../src/core/received';
import { waitForMail } from '../../escrow/maildir';
import { testbed } from '../../helpers/testbed';

const bed = testbed();
const MX_NAME = `mx.${bed.zone.replace(/\.$/, '')}`;

function networkAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const address of list ?? [])
      if (address.family === 'IPv4' && !address.internal) return address.address;
  throw new Error(
    'this test sends from a non-loopback IPv4 address of this machine, and it has none: the bed listens on loopback, where every client is a local hand-off',
  );
}

type Service = 'good' | 'plain' | 'legacy';

interface Sending {
  service: Service;
  /** Where the client connects from; the system's choice (loopback) when absent. */
  localAddress?: string;
  recipient?: string;
  /** A whole message to relay as it is, Received lines and all. */
  raw?: string;
}

/** Sends one message through a bed smtpd (STARTTLS where it offers it) and returns it as delivered. */
async function deliver({ service, localAddress, recipient = 'bob', raw }: Sending): Promise<string> {
  const [host, port] = bed.smtp[service]!.split(':') as [string, string];
  const token = `received-bed-${randomUUID()}`;
  const transport = createTransport({
    host,
    port: Number(port),
    localAddress,
    name: 'client.sender.example',
    requireTLS: service !== 'plain',
    ignoreTLS: service === 'plain',
    tls: {
      ca: readFileSync(bed.caFile),
      servername: `mx.${bed.mailDomain}`,
      // The legacy smtpd speaks only TLS 1.0 and 1.1, which OpenSSL 3 refuses above security level 0.
      ...(service === 'legacy' ? { minVersion: 'TLSv1' as const, ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
    },
  });
  const envelope = { from: 'ann@sender.example', to: `${recipient}@${bed.mailDomain}` };
  try {
    await transport.sendMail(
      raw === undefined
        ? { ...envelope, subject: token, text: 'A message for the Received parser tests.' }
        : { envelope, raw: raw.replace(/^Subject: .*$/m, `Subject: ${token}`) },
    );
  } finally {
    transport.close();
  }
  return waitForMail(bed.mailDir, (message) => message.includes(token));
}

/** What every hop the bed's Postfix writes holds, whatever its transport. */
function expectPostfixHop(hop: Hop, recipient: string): void {
  expect(hop).toMatchObject({
    from: 'client.sender.example',
    by: MX_NAME,
    for: `${recipient}@${bed.mailDomain}`,
  });
  expect(hop.id).toMatch(/^[0-9A-Za-z]{8,}$/);
  // Postfix stamps its own clock: the date must read as now, give or take a slow machine.
  expect(Math.abs(Date.parse(hop.date!) - Date.now())).toBeLessThan(10 * 60_000);
}

describe("Received report over the bed's real Postfix", () => {
  test('STARTTLS from a network address: TLS 1.3 with its cipher, all-tls', async () => {
    const client = networkAddress();
    const report = transportReport(await deliver({ service: 'good', localAddress: client }));
    expect(report.hops).toHaveLength(1);
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({ with: 'ESMTPS', tls: 'tls1.3', version: 'TLSv1.3', fromAddress: client });
    expect(hop.cipher).toMatch(/^TLS_(?:AES_\d+_GCM_SHA\d+|CHACHA20_POLY1305_SHA256)$/);
    expect(report.summary).toBe('all-tls');
  });

  test('no STARTTLS on offer from a network address: plain, some-plain', async () => {
    const client = networkAddress();
    const report = transportReport(await deliver({ service: 'plain', localAddress: client }));
    expect(report.hops).toHaveLength(1);
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({
      with: 'ESMTP',
      tls: 'plain',
      version: null,
      cipher: null,
      fromAddress: client,
    });
    expect(report.summary).toBe('some-plain');
  });

  test('an smtpd that speaks only TLS 1.0 and 1.1: the version below 1.2 is reported as recorded', async () => {
    const report = transportReport(await deliver({ service: 'legacy', localAddress: networkAddress() }));
    const [hop] = report.hops as [Hop];
    expect(hop).toMatchObject({ with: 'ESMTPS', tls: 'tls1.1', version: 'TLSv1.1' });
    expect(hop.cipher).toMatch(/^[A-Z0-9-]+$/);
    expect(report.summary).toBe('all-tls');
  });

  test('a client on loopback is a local hand-off, its TLS still recorded', async () => {
    const report = transportReport(await deliver({ service: 'good' }));
    const [hop] = report.hops as [Hop];
    expectPostfixHop(hop, 'bob');
    expect(hop).toMatchObject({ with: 'ESMTPS', tls: 'local', version: 'TLSv1.3' });
    expect(isLoopback(hop.fromAddress!)).toBe(true);
    expect(report.summary).toBe('unknown');
  });

  test('relayed twice: the hops run oldest first and one plain hop decides the summary', async () => {
    const client = networkAddress();
    const first = await deliver({ service: 'good', localAddress: client });
    // Another recipient: Postfix refuses to deliver a message that already carries Delivered-To for the same one.
    const second = await deliver({ service: 'plain', localAddress: client, recipient: 'carol', raw: first });
    const report = transportReport(second);
    expect(report.hops.map((hop) => [hop.with, hop.tls, hop.for])).toEqual([
      ['ESMTPS', 'tls1.3', `bob@${bed.mailDomain}`],
      ['ESMTP', 'plain', `carol@${bed.mailDomain}`],
    ]);
    expect(report.summary).toBe('some-plain');
  });

  test('sendguard headers reads the delivered file', async () => {
    const raw = await deliver({ service: 'good', localAddress: networkAddress() });
    const file = join(mkdtempSync(join(tmpdir(), 'sendguard-received-')), 'delivered.eml');
    writeFileSync(file, raw);
    const run = async (args: string[]) => {
      let stdout = '';
      const io: CliIo = {
        out: (text) => void (stdout += text),
        err: () => undefined,
        readFile: (path) => Promise.resolve(readFileSync(path, 'utf8')),
        env: {},
      };
      return { code: await headersCommand(args, io), stdout };
    };
    const json = await run([file, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.summary).toBe('all-tls');
    expect(report.hops).toHaveLength(1);
    expect(report.hops[0]).toMatchObject({ from: 'client.sender.example', by: MX_NAME, tls: 'tls1.3' });
    const human = await run([file]);
    expect(human.stdout).toMatch(
      new RegExp(`1\\. client\\.sender\\.example → ${MX_NAME.replace(/\./g, '\\.')}\\s+TLS 1\\.3 \\(TLS_`),
    );
    expect(human.stdout).toContain('Encrypted on every hop the headers record (1 of 1).');
  });
});
