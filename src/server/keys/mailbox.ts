/** Reading the e-mail address out of an OpenPGP user ID; addresses are then compared as core's `mailboxKey` gives them. */
import type { User } from './openpgp';

/**
 * The e-mail address a user ID names: openpgp.js's parse of `Name <addr>`, or the bracketed part, or the whole
 * user ID when it is a bare address (RFC 4880 §5.11 leaves the format open, and bare addresses are common).
 */
export function userIdEmail(user: User): string | undefined {
  const packet = user.userID;
  if (packet === null) return undefined;
  if (packet.email !== '') return packet.email;
  const text = packet.userID.trim();
  const open = text.lastIndexOf('<');
  const bracketed = open >= 0 && text.endsWith('>') ? text.slice(open + 1, -1) : undefined;
  if (bracketed !== undefined && looksLikeAddress(bracketed)) return bracketed;
  return looksLikeAddress(text) ? text : undefined;
}

/**
 * `local@domain`, neither part empty, without angle brackets or white space. Index checks rather than a pattern
 * like /^[^<>\s]+@[^<>\s]+$/, which backtracks over every `@` of a long user ID (the key's publisher writes it).
 */
function looksLikeAddress(text: string): boolean {
  const at = text.indexOf('@', 1);
  return at > 0 && at < text.length - 1 && !/[<>\s]/.test(text);
}
