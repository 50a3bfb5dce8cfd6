/**
 * POP3 server responses (RFC 1939 §3, RFC 2449 CAPA, RFC 2595 STLS) as far as a probe needs them: the status
 * indicator of a single-line response, and the capability lines of a multi-line CAPA response.
 */
import { ResponseError } from './response-lines';

export const POP3_LIMITS = {
  /** RFC 1939 §3 allows 512 octets a response line; real servers' greetings and CAPA lines stay far below 2048. */
  maxLineOctets: 2048,
  /** Across the whole connection, plaintext and TLS together. */
  maxTotalOctets: 64 * 1024,
} as const;

/** RFC 2449 sets no count; servers list about ten. */
export const MAX_CAPA_LINES = 100;

/** `+OK …` or `-ERR …` → whether it is positive and its text. Throws ResponseError for anything else. */
export function parsePop3Status(line: string): { ok: boolean; text: string } {
  const space = line.indexOf(' ');
  const indicator = space < 0 ? line : line.slice(0, space);
  const text = space < 0 ? '' : line.slice(space + 1);
  if (indicator.toUpperCase() === '+OK') return { ok: true, text };
  if (indicator.toUpperCase() === '-ERR') return { ok: false, text };
  throw new ResponseError('POP3_NOT_POP3', `not a POP3 response: "${line.slice(0, 80)}"`);
}

/**
 * One line of a multi-line response (RFC 1939 §3): undefined for the terminating ".", else the line with the
 * byte-stuffed dot removed.
 */
export function multiLineBody(line: string): string | undefined {
  if (line === '.') return undefined;
  return line.startsWith('.') ? line.slice(1) : line;
}

export interface Pop3Capabilities {
  stls: boolean;
  user: boolean;
  /** SASL mechanisms, upper-cased. */
  sasl: string[];
}

/** The CAPA lines (RFC 2449 §6) that matter to a probe; tags are case-insensitive. */
export function pop3Capabilities(lines: readonly string[]): Pop3Capabilities {
  const capabilities: Pop3Capabilities = { stls: false, user: false, sasl: [] };
  for (const line of lines) {
    const [tag = '', ...params] = line.split(' ').filter((word) => word !== '');
    const name = tag.toUpperCase();
    if (name === 'STLS') capabilities.stls = true;
    else if (name === 'USER') capabilities.user = true;
    else if (name === 'SASL') capabilities.sasl.push(...params.map((param) => param.toUpperCase()));
  }
  return capabilities;
}

/**
 * Whether a client can log in before STLS: USER/PASS, or any SASL mechanism (RFC 2449 §6.3). A challenge-response
 * one hides the password, but the session that follows is in the clear all the same.
 */
export function pop3PlaintextLogin(capabilities: Pop3Capabilities): boolean {
  return capabilities.user || capabilities.sasl.length > 0;
}

/**
 * Whether a greeting carries the timestamp that offers APOP (RFC 1939 §7): a `<…>` msg-id, which the client digests
 * with its password to log in. Found with two index searches, no expression over the server's text.
 */
export function pop3ApopOffered(greeting: string): boolean {
  const open = greeting.indexOf('<');
  return open >= 0 && greeting.indexOf('>', open + 1) > open + 1;
}
