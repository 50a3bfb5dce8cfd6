/**
 * One Received field as a hop: who handed the message to whom, when, and whether that hand-off used TLS.
 * Tolerant by construction: every part is optional, an unknown notation gives `unknown`, nothing throws.
 */
import { client, type Client } from './address';
import { clause, splitClauses, words, type Clause, type ReceivedParts } from './clauses';
import { serverNotes } from './from-clause';
import { parseReceivedDate } from './date';
import { isLmtp, protocolClass, protocolOf } from './protocol';
import { findTls, versionClass, type TlsRecord } from './tls';
import { ADDRESSES, type Token } from './tokens';
import type { Hop, HopTls } from './types';

/** Far beyond any real Received field (a few hundred characters); longer ones are cut before parsing. */
export const MAX_RECEIVED_CHARS = 4096;

/**
 * The server's own notes, where TLS is recorded, without what the client could have written into them: the
 * from domain, the HELO and TCP-information comments, and the for clause's addresses. Otherwise a client saying
 * `HELO (using TLSv1.3 with cipher X)` over a plain connection would be reported as TLS. Comments after the
 * date count too: a customised sendmail HReceived may put its `(version=… cipher=…)` there. Addresses inside the
 * server's comments (Exim's `(envelope-from <…>)`) are text a sender picks freely, quoted local parts included
 * (`<"a>(using TLSv1.3 …)"@evil.example>`), so they are cut out with the tokenizer's own quote-aware scanner.
 */
function serverText(parts: ReceivedParts): string {
  const rendered: string[] = [];
  for (const c of parts.clauses) {
    if (c.keyword === 'from')
      rendered.push(...serverNotes(c).map((note) => `(${note.replace(ADDRESSES, ' ')})`));
    else for (const token of c.tokens) rendered.push(...renderServerToken(token, c.keyword === 'for'));
  }
  rendered.push(...parts.dateComments.map((note) => `(${note.replace(ADDRESSES, ' ')})`));
  return rendered.join(' ');
}

function renderServerToken(token: Token, inForClause: boolean): string[] {
  if (token.kind === 'comment') return [`(${token.text.replace(ADDRESSES, ' ')})`];
  if (token.kind === 'word' && !inForClause) return [token.text];
  return [];
}

/**
 * The local hand-off shapes that name neither a peer nor a protocol: Postfix pickup (`by host (Postfix, from
 * userid 1000)`) and its own bounces (`by host (Postfix)`), sendmail's MSP (`(from ann@localhost) by host
 * (8.15.2/8.15.2/Submit)`), qmail-queue's `(qmail 1234 invoked by uid 89)` and `(… invoked from network)`,
 * nullmailer, sSMTP. RFC 5321 §4.4 requires the from clause of every SMTP relay, and a network hop without it
 * still names its protocol (Gmail's `by 2002:a05:… with SMTP`), so only a field lacking both is taken as local.
 */
function injectedLocally(parts: ReceivedParts, protocol: string | null): boolean {
  return protocol === null && !clause(parts, 'from');
}

/** Exim signs its fields with its version, `(Exim 4.96)`, right after the with clause. */
function writtenByExim(parts: ReceivedParts): boolean {
  return (clause(parts, 'with')?.tokens ?? []).some(
    (token) => token.kind === 'comment' && /^Exim \d/i.test(token.text),
  );
}

/** IIS's `from mail pickup service by host with Microsoft SMTPSVC`: a file dropped in its pickup folder. */
function iisPickup(parts: ReceivedParts, peer: Client): boolean {
  return (
    peer.address === null && words(clause(parts, 'from')).join(' ').toLowerCase() === 'mail pickup service'
  );
}

/**
 * the hop classes of docs/received-headers.md. A loopback or Unix-socket client makes any hop local, whatever it
 * said; otherwise a recorded TLS notation decides, then the protocol word. LMTP without a recorded network address is
 * delivery on the machine itself.
 */
function classify(
  parts: ReceivedParts,
  protocol: string | null,
  peer: Client,
  tls: TlsRecord | null,
): HopTls {
  if (peer.loopback) return 'local';
  const byProtocol = protocolClass(protocol);
  if (byProtocol === 'local' || injectedLocally(parts, protocol) || iisPickup(parts, peer)) return 'local';
  if (isLmtp(protocol) && peer.address === null) return 'local';
  if (tls) return versionClass(tls.version);
  return byProtocol;
}

function firstWord(c: Clause | undefined): string | undefined {
  return words(c)[0];
}

/**
 * The value of an id or for clause, bare or in angle brackets: Postfix and Gmail write `for <a@b>`, Exim
 * `for a@b`; Oracle's messaging server (iCloud) writes `id <0PY1…@ms.mac.com>`.
 */
function firstValue(c: Clause | undefined): string | undefined {
  for (const token of c?.tokens ?? []) if (token.kind === 'angle' || token.kind === 'word') return token.text;
  return undefined;
}

export function parseReceived(value: string): Hop {
  const raw = value.slice(0, MAX_RECEIVED_CHARS).trim();
  const parts = splitClauses(raw);
  const from = clause(parts, 'from');
  const protocol = protocolOf(clause(parts, 'with'));
  const peer = client(from, writtenByExim(parts));
  const tls = findTls(serverText(parts));
  const hop: Hop = {
    from: firstWord(from) ?? null,
    by: firstWord(clause(parts, 'by')) ?? null,
    with: protocol,
    date: parts.dateText === null ? null : parseReceivedDate(parts.dateText),
    dateRaw: parts.dateText,
    tls: classify(parts, protocol, peer, tls),
    version: tls?.version ?? null,
    cipher: tls?.cipher ?? null,
    raw,
  };
  const id = firstValue(clause(parts, 'id'));
  const rcpt = firstValue(clause(parts, 'for'));
  if (id !== undefined) hop.id = id;
  if (rcpt !== undefined) hop.for = rcpt;
  if (peer.address !== null) hop.fromAddress = peer.address;
  return hop;
}
