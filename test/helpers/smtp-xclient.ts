/**
 * Sends one message to the bed's Postfix as if from a network client. The bed listens on loopback only, and a
 * client on loopback is a local hand-off by the contract of docs/received-headers.md; Postfix's XCLIENT command
 * (allowed for 127/8 in the bed's main.cf) makes it record another client address in its Received field, so a network
 * hop is tested without leaving loopback. Nodemailer does not speak XCLIENT; the prober's own SMTP connection does
 * the dialogue.
 */
import { connect } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { SmtpConnection, type ProbePhase } from '../../src/server/transport/smtp-connection';

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

/** RFC 5321 §4.5.2: lines starting with a dot get another; the message ends with CRLF.CRLF. */
function dataSection(message: string): string {
  const lines = message.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return `${lines.map((line) => (line.startsWith('.') ? `.${line}` : line)).join('\r\n')}\r\n.`;
}

export async function sendWithXclient(sending: XclientSending): Promise<void> {
  const ms = sending.timeoutMs ?? 15_000;
  const deadline = Date.now() + ms;
  const smtp = new SmtpConnection(
    { address: sending.host, port: sending.port },
    { dial: (target) => connect(target), remainingMs: () => deadline - Date.now() },
  );
  const step = async (phase: ProbePhase, line: string | undefined, code: number) => {
    const reply = await (line === undefined ? smtp.readReply(phase, ms) : smtp.command(phase, line, ms));
    if (reply.code !== code)
      throw new Error(`SMTP: ${line ?? 'greeting'} answered ${reply.code} ${reply.lines.join(' ')}`);
  };
  const ehlo = `EHLO ${sending.client.name}`;
  try {
    await smtp.connect(ms);
    await step('banner', undefined, 220);
    await step('ehlo', ehlo, 250);
    // XCLIENT answers with a new greeting: the session starts again as the named client.
    await step('ehlo', `XCLIENT NAME=${sending.client.name} ADDR=${sending.client.address}`, 220);
    await step('ehlo', ehlo, 250);
    if (sending.tls) {
      await step('starttls', 'STARTTLS', 220);
      await smtp.startTls(sending.tls, ms);
      await step('ehlo-tls', ehlo, 250);
    }
    await step('ehlo-tls', `MAIL FROM:<${sending.from}>`, 250);
    await step('ehlo-tls', `RCPT TO:<${sending.to}>`, 250);
    await step('ehlo-tls', 'DATA', 354);
    await step('ehlo-tls', dataSection(sending.message), 250);
    await smtp.quit(ms);
  } finally {
    smtp.close();
  }
}
