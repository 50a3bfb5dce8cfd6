/**
 * The lines of an IMAP or POP3 server as a probe connection reads them: capped (net/line-reader.ts), control
 * characters replaced, one line per reply. Each protocol reads meaning into the lines itself.
 */
import { SendguardError } from '../../core/errors';
import { LineReader, printable, type LineLimits } from '../net/line-reader';
import type { ReplyReader } from '../net/probe-connection';

/** The server did not speak the protocol, or spoke too much of it. */
export class ResponseError extends SendguardError {}

export class ResponseLines implements ReplyReader<string> {
  private readonly reader: LineReader;

  /** `protocol` prefixes the error codes (`IMAP_LINE_TOO_LONG`). */
  constructor(limits: LineLimits, protocol: string) {
    this.reader = new LineReader(
      limits,
      (kind, message) => new ResponseError(`${protocol}_${kind}`, message),
    );
  }

  get hasPartialReply(): boolean {
    return this.reader.hasPartialLine;
  }

  push(chunk: Buffer): string[] {
    return this.reader.push(chunk).map(printable);
  }
}
