/**
 * IMAP server responses (RFC 9051 §7, RFC 3501 §7) as far as a probe needs them: tagged and untagged status
 * responses, and the capabilities a server lists in a CAPABILITY response or a `[CAPABILITY …]` response code.
 * Read by splitting on spaces, never by a backtracking expression.
 */
import { ResponseError } from './response-lines';

export const IMAP_LIMITS = {
  /**
   * RFC 9051 sets no line limit for responses; RFC 7162 §4 asks clients to accept 8192 octets in commands, and a
   * CAPABILITY line of a large server is about 1 KiB. Longer is junk.
   */
  maxLineOctets: 8192,
  /** Across the whole connection, plaintext and TLS together: greetings and capabilities are a few KiB. */
  maxTotalOctets: 64 * 1024,
} as const;

export type ImapStatus = 'OK' | 'NO' | 'BAD' | 'PREAUTH' | 'BYE';

export interface ImapResponse {
  /** `*` for untagged, `+` for a continuation request, else the command's tag. */
  tag: string;
  /** The status word of a status response; absent for data (`* CAPABILITY`, `* 3 EXISTS`) and continuations. */
  status?: ImapStatus;
  /** Capabilities listed by this line (CAPABILITY data or response code), upper-cased; absent when none. */
  capabilities?: string[];
  text: string;
}

const STATUSES: ReadonlySet<string> = new Set(['OK', 'NO', 'BAD', 'PREAUTH', 'BYE']);
/** RFC 9051 tag: ASTRING-CHAR except "+"; a probe only meets its own tags and "*", so a narrow set is enough. */
const TAG = /^[A-Za-z0-9.]{1,32}$/;
/** Far more than any server lists (Dovecot: ~30); a longer list is junk. */
const MAX_CAPABILITIES = 200;

function words(text: string): string[] {
  return text.split(' ').filter((word) => word !== '');
}

function capabilityList(text: string): string[] {
  const list = words(text);
  if (list.length > MAX_CAPABILITIES) {
    throw new ResponseError('IMAP_TOO_MANY_CAPABILITIES', `more than ${MAX_CAPABILITIES} capabilities`);
  }
  return list.map((capability) => capability.toUpperCase());
}

/** `[CAPABILITY a b]` at the start of a status response's text (RFC 9051 §7.1); undefined when none. */
function responseCodeCapabilities(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  const end = text.indexOf(']');
  if (end < 0) return undefined;
  const code = text.slice(1, end);
  const space = code.indexOf(' ');
  const atom = space < 0 ? code : code.slice(0, space);
  return atom.toUpperCase() === 'CAPABILITY' ? capabilityList(code.slice(space + 1)) : undefined;
}

/** One response line (without its line ending). Throws ResponseError for a line no IMAP server sends. */
export function parseImapLine(line: string): ImapResponse {
  const space = line.indexOf(' ');
  const tag = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? '' : line.slice(space + 1);
  if (tag === '+') return { tag, text: rest };
  if (tag !== '*' && !TAG.test(tag)) {
    throw new ResponseError('IMAP_NOT_IMAP', `not an IMAP response: "${line.slice(0, 80)}"`);
  }
  const next = rest.indexOf(' ');
  const first = (next < 0 ? rest : rest.slice(0, next)).toUpperCase();
  const text = next < 0 ? '' : rest.slice(next + 1);
  if (STATUSES.has(first)) {
    const capabilities = responseCodeCapabilities(text);
    return { tag, status: first as ImapStatus, text, ...(capabilities ? { capabilities } : {}) };
  }
  if (tag !== '*')
    throw new ResponseError('IMAP_NOT_IMAP', `a tagged response without a status: "${line.slice(0, 80)}"`);
  if (first === 'CAPABILITY') return { tag, capabilities: capabilityList(text), text };
  return { tag, text: rest };
}

/**
 * Whether the capabilities let a client log in before TLS: LOGIN unless LOGINDISABLED (RFC 9051 §6.2.3), or any
 * AUTHENTICATE mechanism listed (§7.2.2). A challenge-response one such as CRAM-MD5 hides the password, but the
 * login and the mail that follows it still cross the network in the clear.
 */
export function imapPlaintextLogin(capabilities: readonly string[]): boolean {
  return (
    !capabilities.includes('LOGINDISABLED') ||
    capabilities.some((capability) => capability.startsWith('AUTH='))
  );
}
