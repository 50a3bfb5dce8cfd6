/**
 * Mail the escrow server sends itself: one-time codes to recipients and guessing notices to senders, through
 * the configured SMTP relay, asking for TLS all the way to the recipient (REQUIRETLS, RFC 8689) where the relay
 * offers it. Texts are plain and say what to do next.
 */
import { createTransport } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

interface SmtpRelay {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS is required unless `allowPlaintextRelay`. */
  secure: boolean;
  from: string;
  /** Extra trust anchor (PEM) for a relay with a private CA. */
  ca?: string;
  /** The name the relay's certificate carries, when `host` is an address. */
  servername?: string;
  /** For a relay on the same host only: codes would otherwise cross the network in the clear. */
  allowPlaintextRelay: boolean;
  auth?: { user: string; pass: string };
}

export function smtpMailer(relay: SmtpRelay): Mailer {
  const transport = createTransport({
    host: relay.host,
    port: relay.port,
    secure: relay.secure,
    requireTLS: !relay.secure && !relay.allowPlaintextRelay,
    ...(relay.auth ? { auth: relay.auth } : {}),
    tls: {
      ...(relay.ca ? { ca: relay.ca } : {}),
      ...(relay.servername ? { servername: relay.servername } : {}),
    },
  });
  // Learnt at the first send and kept while the service runs: a relay that does not offer REQUIRETLS is not asked
  // again (each refusal costs a connection). Restarting the service asks afresh.
  let relayOffersRequireTls = true;
  return {
    async send(mail) {
      const message = { from: relay.from, ...mail };
      if (relayOffersRequireTls) {
        try {
          await transport.sendMail({ ...message, requireTLSExtensionEnabled: true });
          return;
        } catch (error) {
          if (!refusedRequireTls(error)) throw error;
          relayOffersRequireTls = false;
        }
      }
      await transport.sendMail(message);
    },
  };
}

/**
 * nodemailer refuses before MAIL FROM — nothing was sent — when the relay's EHLO does not list REQUIRETLS, or
 * the connection is not TLS (a plaintext relay on this host), where RFC 8689 §4.1 does not allow the option.
 */
function refusedRequireTls(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EREQUIRETLS';
}

export function codeMail(to: string, code: string, senderName: string, validMinutes: number): OutgoingMail {
  return {
    to,
    subject: `Your code to open the secure message from ${senderName}`,
    text: [
      `Your code is ${code}`,
      '',
      `Enter it on the page where you asked for it to open the secure message ${senderName} sent you.`,
      `It works once and for ${validMinutes} minutes. If you did not ask for a code, ignore this email: nobody`,
      'can open the message without access to your mailbox.',
    ].join('\n'),
  };
}

/** Sent once a recipient's tries have reached the longest wait: someone may be guessing. */
export function guessingNoticeMail(
  to: string,
  recipient: string,
  expiresAt: string,
  longestWaitMinutes: number,
): OutgoingMail {
  return {
    to,
    subject: `Secure message: many wrong codes or passcodes for ${recipient}`,
    text: [
      `Someone entered many wrong codes or passcodes for ${recipient} on a secure message you sent.`,
      `Each further try for that address now has to wait up to ${longestWaitMinutes} minutes; the recipient can`,
      `still open the message with the right code. The message expires on ${expiresAt}.`,
      '',
      'If you did not expect this, someone may have your link and be guessing: you can revoke the message from',
      'the Sendguard pane in Outlook or Thunderbird, and send it again.',
    ].join('\n'),
  };
}
