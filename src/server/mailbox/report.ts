/**
 * The mailbox-access report of one domain: how its users reach their mail (IMAP, POP3, submission), the verdict,
 * its reasons, and the evidence behind it, as plain JSON (what `sendguard check --json` prints as `mailboxAccess`
 * and `GET /api/v1/domains/:domain` returns as its evidence).
 */
import type { MailboxAccessVerdict } from '../../core/vocabulary';
import type { ProbeOutcome } from '../net/probe-connection';

export type AccessProtocol = 'imap' | 'pop3' | 'submission';

/** `implicit`: TLS from the first byte (993, 995, 465); `starttls`: STARTTLS/STLS; `plain`: no TLS asked for. */
export type AccessSecurity = 'implicit' | 'starttls' | 'plain';

export type FoundBy = 'srv' | 'autoconfig' | 'provider';

export interface EndpointTls {
  version: string;
  cipher: string;
  certificate: {
    trusted: boolean;
    /** OpenSSL's verification error code (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`…). */
    trustError?: string;
    nameMatches: boolean;
    notAfter: string;
  };
}

export interface EndpointReport {
  protocol: AccessProtocol;
  host: string;
  port: number;
  security: AccessSecurity;
  foundBy: FoundBy[];
  verdict: MailboxAccessVerdict;
  reasons?: string[];
  /** The address probed; absent when none was (a recognised provider, no address, no time). */
  address?: string;
  /** How the probe ended; `not-probed` for a recognised provider's documented endpoint or one left unprobed. */
  outcome: ProbeOutcome | 'not-probed';
  tls?: EndpointTls;
  /** STARTTLS (IMAP, submission) or STLS (POP3) offered before TLS. */
  starttls?: boolean;
  /** A login was offered before TLS (IMAP without LOGINDISABLED or with AUTH=, POP3 USER, SASL or APOP, SMTP AUTH). */
  plaintextLogin?: boolean;
  /** Milliseconds per phase of the probe. */
  timings: Record<string, number>;
}

export interface AutoconfigReport {
  url: string;
  state: 'found' | 'none' | 'failed';
  reason?: string;
}

export interface MailboxAccessReport {
  domain: string;
  verdict: MailboxAccessVerdict;
  reasons: string[];
  checkedAt: string;
  /**
   * The deadline passed before every step finished: the evidence is partial, and the verdict is `unknown` unless
   * what was found is already `plaintext` or `tls-offered` (what is missing could only make it worse).
   */
  incomplete: boolean;
  /** The hosted provider recognised from the MX, whose documentation the verdict rests on. */
  provider?: { name: string; source: string; mx: string };
  endpoints: EndpointReport[];
  srv: { state: 'records' | 'none' | 'failed'; reason?: string };
  autoconfig: AutoconfigReport[];
  /** How long the report may be reused, from the DNS TTLs. */
  ttlSeconds: number;
  timings: { totalMs: number };
}

/**
 * How long past its TTL a report is still answered to the send check and the pane while a check runs again. A
 * domain's mail endpoints change rarely; a full check (discovery, then probes) often outlasts the send check's
 * deadline, and a sender whose pane said "Forced TLS" a few minutes ago must not be blocked while it runs; the
 * verdict answered carries its `checkedAt`, so its age is never hidden. A day bounds how old a verdict can be
 * (a domain that stopped requiring TLS is believed at most a day longer); the store keeps reports that long too (store/purge-expired.ts).
 */
export const MAILBOX_STALE_WINDOW_MS = 24 * 60 * 60 * 1000;
