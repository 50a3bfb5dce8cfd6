/**
 * The `with` clause's protocol and what it alone says about a hop: RFC 3848 and its IANA registry of Mail
 * Transmission Types, RFC 6531 §3.7.3, and the vendors' own words.
 */
import { words, type Clause } from './clauses';

/** Protocols written as several words: Exchange's, and IIS's `Microsoft SMTPSVC(6.0.3790.4675)`. */
const MULTI_WORD_PROTOCOLS = ['microsoft smtp server', 'microsoft smtpsvc'];

/**
 * The protocol of the with clause as written. Comments may precede it (`with (… encrypted) SMTP`), and so may a
 * cipher (`with ECDHE-RSA-AES256-GCM-SHA384 encrypted SMTP`) or the vendor's name (`with MailEnable ESMTPA`).
 */
export function protocolOf(withClause: Clause | undefined): string | null {
  const list = words(withClause);
  for (const name of MULTI_WORD_PROTOCOLS) {
    const length = name.split(' ').length;
    if (list.slice(0, length).join(' ').toLowerCase() === name) return list.slice(0, length).join(' ');
  }
  if (list[1]?.toLowerCase() === 'encrypted') return list[2] ?? null;
  if (list[0]?.toLowerCase() === 'mailenable' && list[1] !== undefined) return `${list[0]} ${list[1]}`;
  return list[0] ?? null;
}

/** How the `with` protocol alone classifies a network hop. */
type ProtocolClass = 'tls' | 'plain' | 'local' | 'unknown';

/**
 * RFC 3848 and RFC 6531 §3.7.3 (the IANA Mail Transmission Types): (UTF8)(E)SMTP / (UTF8)LMTP, `S` for TLS, `A`
 * for authenticated. Gmail's `SMTPS` fits too. Keywords are case-insensitive (Exim writes `esmtps`).
 */
const SMTP_FAMILY = /^(?:UTF8)?(E?SMTP|LMTP)(S?)A?$/i;

/**
 * Records a program on the server itself writes when it takes a message in or hands it back: Exim's `local`,
 * `local-esmtp`, `local-bsmtp`; old sendmail's `via sendmail with stdio`; SpamAssassin's report wrapper; the
 * qmail-scanner content filter (`with qmail-scanner-2.11`).
 */
const LOCAL_PROTOCOL = /^(?:local(?:-\w+)?|stdio|SpamAssassin|qmail-scanner\S*)$/i;

/**
 * LMTP (RFC 2033) is mostly delivery on the machine itself, over a Unix socket, but it can cross a network to a
 * separate mailbox server: whether the server recorded a network address for the client tells them apart.
 */
export function isLmtp(protocol: string | null): boolean {
  return /^(?:UTF8)?LMTP/i.test(protocol ?? '') && SMTP_FAMILY.test(protocol!);
}

export function protocolClass(written: string | null): ProtocolClass {
  if (written === null) return 'unknown';
  // MailEnable names itself before the RFC 3848 keyword: `with MailEnable ESMTPA`.
  const protocol = written.replace(/^MailEnable /i, '');
  const smtp = SMTP_FAMILY.exec(protocol);
  if (smtp) return smtp[2] ? 'tls' : 'plain';
  if (/^HTTPS$/i.test(protocol)) return 'tls';
  // Exchange 2007 and later record TLS in a comment when it was used (see tls.ts), so the bare name means
  // none. IIS's `Microsoft SMTPSVC` (Exchange 2003) writes the same line with or without TLS: not recorded.
  if (/^Microsoft SMTP Server$/i.test(protocol)) return 'plain';
  if (LOCAL_PROTOCOL.test(protocol)) return 'local';
  // HTTP, HTTPREST, mapi, SMTPSVC, UUCP and the rest: the protocol or its TLS is not recorded.
  return 'unknown';
}
