/**
 * The connecting client's IP address as the receiving server recorded it, and whether it is loopback. The HELO
 * name is the client's own claim (Postfix writes it as the from domain, Exim as `helo=`, qmail as `(HELO x)`), so
 * it is never read as the address: a filter on 127.0.0.1 that says HELO mail.example.com is still loopback, and a
 * remote client that says HELO localhost is not.
 */
import { words, type Clause } from './clauses';
import { tcpInfo } from './from-clause';

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** RFC 4291 §2.2 text forms, including `::` compression and a trailing dotted quad, as eight 16-bit groups. */
function ipv6Groups(text: string): number[] | null {
  if (text.length > 45) return null;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let head = text;
  if (dotted) {
    if (!IPV4.test(dotted[2]!)) return null;
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    head = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parse(halves[0]!);
  const right = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (!(halves.length === 2 ? missing >= 1 : missing === 0)) return null;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right];
  return groups.every((g) => HEXTET.test(g)) ? groups.map((g) => parseInt(g, 16)) : null;
}

/** An IP address in the forms servers write (`192.0.2.1`, `IPv6:2001:db8::1`, `::ffff:192.0.2.1`), or null. */
export function normaliseIp(text: string): string | null {
  const bare = text.replace(/^IPv6:/i, '').replace(/%[\w.]+$/, '');
  if (IPV4.test(bare)) return bare;
  return ipv6Groups(bare) ? bare.toLowerCase() : null;
}

/** 127.0.0.0/8 (RFC 1122 §3.2.1.3), ::1 (RFC 4291 §2.5.3), and 127/8 mapped into IPv6 (§2.5.5.2). */
export function isLoopback(ip: string): boolean {
  if (IPV4.test(ip)) return ip.startsWith('127.');
  const groups = ipv6Groups(ip);
  if (!groups) return false;
  const zeros = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeros(7) && groups[7] === 1) return true;
  return zeros(5) && groups[5] === 0xffff && groups[6]! >> 8 === 127;
}

/**
 * Client claims inside the TCP-information comment: Exim's `helo=x` and `ident=x` (the ident is whatever the
 * client's RFC 1413 server answered, and Exim writes it last, so everything from it on goes), the quoted
 * `"EHLO x"` of some MTAs.
 */
const CLIENT_PART = /\bident=[\s\S]*$|\bhelo=\S*|"(?:[^"\\]|\\[\s\S])*"/gi;
/** Exim's notes: where they are, Exim wrote the address in brackets, never as a bare word. */
const EXIM_NOTES = /\b(?:helo|port|ident)=/i;
/** `[192.0.2.1]`, `[IPv6:2001:db8::1]`, optionally followed by Exim's `:port`. */
const BRACKETED = /\[([^\]\s]{2,60})\]/g;

function addressIn(info: string): string | null {
  const text = info.replace(CLIENT_PART, ' ');
  for (const match of text.matchAll(BRACKETED)) {
    const ip = normaliseIp(match[1]!);
    if (ip) return ip;
  }
  // Unbracketed, the address is written in two shapes only: qmail and Microsoft alone (`(192.0.2.1)`,
  // `(2603:10a6:208:1::12)`), qmail after the client's ident or login (`(ann@example.com@192.0.2.1)`), and
  // OpenSMTPD after the reverse name for IPv6 (`(mx.example 2001:db8::1)`). The reverse name is whatever the
  // client's DNS says and the ident or login whatever the client sent, so neither is ever read as the address,
  // and no other shape is read at all: `(port=1234 ident=a@127.0.0.1)` must not make a remote client loopback.
  if (EXIM_NOTES.test(info)) return null;
  const words = text.trim().split(/\s+/);
  if (words.length === 1) return normaliseIp(words[0]!.slice(words[0]!.lastIndexOf('@') + 1));
  return words.length === 2 ? normaliseIp(words[1]!) : null;
}

/**
 * A client on a Unix socket, a hand-off on the machine itself: OpenSMTPD writes `[local]`, Cyrus `[unix socket]`.
 */
const LOCAL_SOCKET = /\[(?:local|unix socket)\]/i;

export interface Client {
  /** The IP address the server recorded; null when it recorded none. */
  address: string | null;
  /** Connected over loopback or a local socket, whatever name it gave. */
  loopback: boolean;
}

/**
 * The client address of a from clause, from its TCP-information comment. Exim puts it as the from domain itself
 * when there is no reverse name (`from [192.0.2.1] (helo=x)`, or `from [192.0.2.1]` alone when the HELO was that
 * literal); that form is trusted only beside Exim's `helo=`/`port=`/`ident=` or in a field Exim wrote, because
 * elsewhere the from domain is the client's HELO.
 */
function clientAddress(from: Clause | undefined, info: string | null, writtenByExim: boolean): string | null {
  const ip = info === null ? null : addressIn(info);
  if (ip) return ip;
  const literal = /^\[([^\]]+)\](?::\d+)?$/.exec(words(from)[0] ?? '');
  if (!literal) return null;
  const eximNotes = info === null ? writtenByExim : EXIM_NOTES.test(info);
  return eximNotes ? normaliseIp(literal[1]!) : null;
}

export function client(from: Clause | undefined, writtenByExim: boolean): Client {
  const info = tcpInfo(from);
  const address = clientAddress(from, info, writtenByExim);
  const socket = info !== null && LOCAL_SOCKET.test(info);
  return { address, loopback: socket || (address !== null && isLoopback(address)) };
}
