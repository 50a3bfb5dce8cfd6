/**
 * The from clause mixes what the client claimed (its HELO name, its login) with what the server observed (the
 * TCP information: reverse DNS name and address) and the server's own notes (Postfix's `(using TLSv1.3 …)`,
 * Courier's `(TLS: …)`). Telling them apart keeps a client from writing its own TLS record or loopback address.
 */
import type { Clause } from './clauses';

/**
 * Comments holding text the client chose: qmail's `(HELO x)` and Zimbra's `(LHLO x)`, Exim's `helo=x`, Postfix's
 * authenticated login.
 */
const CLIENT_CLAIM = /^\s*(?:helo|ehlo|lhlo)\s|\bhelo=|^\s*authenticated sender:/i;
const HELO_COMMENT = /^\s*(?:helo|ehlo|lhlo)\s/i;

function fromComments(from: Clause | undefined): string[] {
  return (from?.tokens ?? []).flatMap((token) => (token.kind === 'comment' ? [token.text] : []));
}

/**
 * The TCP-information comment: the first that is not a HELO comment of its own. Every MTA writes one there —
 * `(rdns [ip])`, `([ip]:port helo=x)`, `(192.0.2.1)` — and it may still carry Exim's `helo=`.
 */
export function tcpInfo(from: Clause | undefined): string | null {
  return fromComments(from).find((note) => !HELO_COMMENT.test(note)) ?? null;
}

/** The from clause's comments written by the server alone. */
export function serverNotes(from: Clause | undefined): string[] {
  const info = tcpInfo(from);
  return fromComments(from).filter((note) => note !== info && !CLIENT_CLAIM.test(note));
}
