/**
 * SMTP replies (RFC 5321 §4.2) from a hostile peer: bytes in, complete replies out, with hard caps so that a
 * server streaming junk or endless continuation lines costs a bounded amount of memory.
 */
import { SendguardError } from '../../core/errors';
import { LineReader, printable } from '../net/line-reader';

export interface SmtpReply {
  code: number;
  /** The text of each line after the code and separator, control characters replaced. */
  lines: string[];
}

export const REPLY_LIMITS = {
  /**
   * RFC 5321 §4.5.3.1.5 allows 512 octets a reply line, code and CRLF included, but real servers exceed it and
   * §4.5.3.1 asks for no limits where none are needed; Postfix's client reads 2048 (line_length_limit). A tighter
   * cap would turn a server senders deliver to into an unreachable MX.
   */
  maxLineOctets: 2048,
  /** RFC 5321 sets no count; an EHLO reply lists a few dozen extensions at most. */
  maxLines: 100,
  /** Across the whole connection, plaintext and TLS together. */
  maxTotalOctets: 64 * 1024,
} as const;

/** The peer did not speak SMTP, or spoke too much of it. */
export class SmtpReplyError extends SendguardError {}

const REPLY_LINE = /^([2-5][0-9][0-9])(?:([ -])(.*))?$/s;

/** One reply line (without its line ending) → code, whether more lines follow, text. Throws SmtpReplyError. */
function parseReplyLine(line: string): { code: number; more: boolean; text: string } {
  const match = REPLY_LINE.exec(line);
  if (!match)
    throw new SmtpReplyError('SMTP_NOT_SMTP', `not an SMTP reply line: "${printable(line.slice(0, 80))}"`);
  return { code: Number(match[1]), more: match[2] === '-', text: printable(match[3] ?? '') };
}

/** Accumulates bytes and hands out replies as they complete. */
export class ReplyParser {
  private readonly reader = new LineReader(
    REPLY_LIMITS,
    (kind, message) => new SmtpReplyError(`SMTP_${kind}`, message),
  );
  private lines: string[] = [];
  private code: number | undefined;

  /** Whether bytes were received that are not yet part of a complete reply. */
  get hasPartialReply(): boolean {
    return this.reader.hasPartialLine || this.lines.length > 0;
  }

  /** Feeds received bytes; returns the replies they complete. Throws SmtpReplyError on a cap or syntax breach. */
  push(chunk: Buffer): SmtpReply[] {
    const replies: SmtpReply[] = [];
    for (const line of this.reader.push(chunk)) {
      const reply = this.addLine(line);
      if (reply) replies.push(reply);
    }
    return replies;
  }

  private addLine(raw: string): SmtpReply | undefined {
    const { code, more, text } = parseReplyLine(raw);
    if (this.code !== undefined && code !== this.code) {
      throw new SmtpReplyError('SMTP_MIXED_CODES', `reply ${this.code} continued with code ${code}`);
    }
    this.code = code;
    this.lines.push(text);
    if (this.lines.length > REPLY_LIMITS.maxLines) {
      throw new SmtpReplyError('SMTP_TOO_MANY_LINES', `a reply has more than ${REPLY_LIMITS.maxLines} lines`);
    }
    if (more) return undefined;
    const reply = { code, lines: this.lines };
    this.code = undefined;
    this.lines = [];
    return reply;
  }
}

/** EHLO reply → its extension lines (the first line is the greeting), keyword upper-cased. */
export function ehloExtensions(reply: SmtpReply): string[] {
  return reply.lines.slice(1).map((line) => {
    const [keyword = '', ...params] = line.trim().split(/\s+/);
    return [keyword.toUpperCase(), ...params].join(' ');
  });
}

export function hasExtension(extensions: readonly string[], keyword: string): boolean {
  return extensions.some((line) => line.split(' ', 1)[0] === keyword);
}

/** Whether the EHLO extensions offer AUTH (RFC 4954), also in the `AUTH=LOGIN` form servers still send for old clients. */
export function offersAuth(extensions: readonly string[]): boolean {
  return extensions.some((line) => {
    const keyword = line.split(' ', 1)[0] ?? '';
    return keyword === 'AUTH' || keyword.startsWith('AUTH=');
  });
}
