/**
 * What an IMAP or POP3 probe says and reads, step by step, over a probe connection whose replies are lines
 * (response-lines.ts). Credentials are never sent: the probe reads what the server offers and says goodbye.
 */
import { ProbeConnection, ProbeFailure } from '../net/probe-connection';
import { imapPlaintextLogin, parseImapLine, type ImapResponse } from './imap-response';
import {
  MAX_CAPA_LINES,
  multiLineBody,
  parsePop3Status,
  pop3ApopOffered,
  pop3Capabilities,
  pop3PlaintextLogin,
} from './pop3-response';
import { ResponseError } from './response-lines';

export type AccessPhase =
  'connect' | 'greeting' | 'capability' | 'starttls' | 'tls' | 'capability-tls' | 'quit';

export type LineConnection = ProbeConnection<string, AccessPhase>;

/** What the server offers before TLS, or over it. */
export interface Offer {
  starttls: boolean;
  plaintextLogin: boolean;
}

export interface Greeting {
  text: string;
  preauth: boolean;
  loginOffered: boolean;
}

export interface Dialect {
  protocol: 'IMAP' | 'POP3';
  /**
   * Reads the greeting; `preauth` when the server logged the client in without asking (IMAP PREAUTH), `loginOffered`
   * when the greeting itself offers a login (a POP3 APOP timestamp).
   */
  greet(connection: LineConnection, ms: number): Promise<Greeting>;
  capabilities(
    connection: LineConnection,
    phase: 'capability' | 'capability-tls',
    ms: number,
  ): Promise<Offer>;
  /** Asks for TLS and reads the go-ahead; throws ProbeFailure('tls-failed') when refused. */
  startTls(connection: LineConnection, ms: number): Promise<void>;
  quit(connection: LineConnection, ms: number): Promise<void>;
}

function unexpected(protocol: string, phase: AccessPhase, text: string): ProbeFailure<AccessPhase> {
  return new ProbeFailure('protocol-error', `${protocol}_UNEXPECTED_RESPONSE`, phase, text.slice(0, 200));
}

/** What a line means; a line the protocol does not allow ends the dialogue as a protocol error. */
function parsed<T>(line: string, phase: AccessPhase, parse: (line: string) => T): T {
  try {
    return parse(line);
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error;
    throw new ProbeFailure('protocol-error', error.code, phase, error.message, { cause: error });
  }
}

/** Reads one line and what it means. */
async function readParsed<T>(
  connection: LineConnection,
  phase: AccessPhase,
  ms: number,
  parse: (line: string) => T,
): Promise<T> {
  return parsed(await connection.readReply(phase, ms), phase, parse);
}

/** IMAP tags of one connection, `S1`, `S2`…: a response tagged otherwise answers nothing we sent. */
function imapTags() {
  let next = 0;
  return () => `S${++next}`;
}

/** Sends one command and reads up to its tagged response; the untagged responses before it come along. */
async function imapCommand(
  connection: LineConnection,
  phase: AccessPhase,
  tag: string,
  command: string,
  ms: number,
): Promise<{ untagged: ImapResponse[]; done: ImapResponse }> {
  // RFC 9051 §7: untagged data may come at any time, also between commands (`* OK [ALERT] …`): read past it. The
  // connection's octet cap bounds it. A tagged response nobody asked for is still off.
  for (const line of connection.takeUnasked()) {
    const early = parsed(line, phase, parseImapLine);
    if (early.tag !== '*') throw unexpected('IMAP', phase, `a response tagged ${early.tag} arrived unasked`);
  }
  await connection.send(phase, `${tag} ${command}`);
  const untagged: ImapResponse[] = [];
  // Bounded by the connection's octet cap: every line costs at least its line ending.
  for (;;) {
    const response = await readParsed(connection, phase, ms, parseImapLine);
    if (response.tag === tag) return { untagged, done: response };
    if (response.tag !== '*') throw unexpected('IMAP', phase, `a response tagged ${response.tag}`);
    untagged.push(response);
  }
}

export function imapDialect(): Dialect {
  const tag = imapTags();
  return {
    protocol: 'IMAP',
    async greet(connection, ms) {
      const greeting = await readParsed(connection, 'greeting', ms, parseImapLine);
      if (greeting.tag === '*' && greeting.status === 'BYE') {
        throw new ProbeFailure('refused', 'IMAP_REFUSED', 'greeting', greeting.text.slice(0, 200));
      }
      if (greeting.tag !== '*' || (greeting.status !== 'OK' && greeting.status !== 'PREAUTH')) {
        throw unexpected('IMAP', 'greeting', `greeting "${greeting.text}"`);
      }
      return { text: greeting.text, preauth: greeting.status === 'PREAUTH', loginOffered: false };
    },
    async capabilities(connection, phase, ms) {
      const { untagged, done } = await imapCommand(connection, phase, tag(), 'CAPABILITY', ms);
      if (done.status !== 'OK')
        throw unexpected('IMAP', phase, `CAPABILITY answered ${done.status ?? ''} ${done.text}`);
      const listed = [...untagged, done].flatMap((response) => response.capabilities ?? []);
      return { starttls: listed.includes('STARTTLS'), plaintextLogin: imapPlaintextLogin(listed) };
    },
    async startTls(connection, ms) {
      const { done } = await imapCommand(connection, 'starttls', tag(), 'STARTTLS', ms);
      if (done.status !== 'OK') {
        throw new ProbeFailure(
          'tls-failed',
          'IMAP_STARTTLS_REFUSED',
          'starttls',
          `${done.status} ${done.text}`,
        );
      }
    },
    quit: (connection, ms) => connection.politely(() => imapCommand(connection, 'quit', tag(), 'LOGOUT', ms)),
  };
}

async function pop3Command(connection: LineConnection, phase: AccessPhase, command: string, ms: number) {
  await connection.send(phase, command);
  return readParsed(connection, phase, ms, parsePop3Status);
}

export function pop3Dialect(): Dialect {
  return {
    protocol: 'POP3',
    async greet(connection, ms) {
      const greeting = await readParsed(connection, 'greeting', ms, parsePop3Status);
      if (!greeting.ok)
        throw new ProbeFailure('refused', 'POP3_REFUSED', 'greeting', greeting.text.slice(0, 200));
      return { text: greeting.text, preauth: false, loginOffered: pop3ApopOffered(greeting.text) };
    },
    async capabilities(connection, phase, ms) {
      const status = await pop3Command(connection, phase, 'CAPA', ms);
      // RFC 2449 §5: a server without CAPA cannot announce STLS, and USER/PASS is RFC 1939's login.
      if (!status.ok) return { starttls: false, plaintextLogin: true };
      const lines: string[] = [];
      for (let line = multiLineBody(await connection.readReply(phase, ms)); line !== undefined;) {
        if (lines.length === MAX_CAPA_LINES)
          throw unexpected('POP3', phase, `more than ${MAX_CAPA_LINES} CAPA lines`);
        lines.push(line);
        line = multiLineBody(await connection.readReply(phase, ms));
      }
      const offered = pop3Capabilities(lines);
      return { starttls: offered.stls, plaintextLogin: pop3PlaintextLogin(offered) };
    },
    async startTls(connection, ms) {
      const status = await pop3Command(connection, 'starttls', 'STLS', ms);
      if (!status.ok)
        throw new ProbeFailure('tls-failed', 'POP3_STLS_REFUSED', 'starttls', `-ERR ${status.text}`);
    },
    quit: (connection, ms) => connection.politely(() => pop3Command(connection, 'quit', 'QUIT', ms)),
  };
}
