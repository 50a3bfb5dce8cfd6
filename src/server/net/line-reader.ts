/**
 * Lines from a hostile peer of a line-based protocol (SMTP, IMAP, POP3): bytes in, complete lines out, with hard
 * caps so that a server streaming junk or one endless line costs a bounded amount of memory. Each byte is looked
 * at a bounded number of times, so reading is linear in what arrives.
 */
import type { SendguardError } from '../../core/errors';

export interface LineLimits {
  /** A line's octets, its line ending counted as CRLF (a bare LF too), as the RFCs count them. */
  maxLineOctets: number;
  /** Across the whole connection, plaintext and TLS together. */
  maxTotalOctets: number;
}

/** Makes the protocol's own error for a breached cap: `LINE_TOO_LONG` or `TOO_MUCH_DATA`. */
export type LineLimitError = (kind: 'LINE_TOO_LONG' | 'TOO_MUCH_DATA', message: string) => SendguardError;

const LF = 0x0a;
const CR = 0x0d;
const CRLF_OCTETS = 2;

/** Control characters (C0, DEL, C1) would let a greeting forge lines or colours in logs and reports. */
export function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, '?');
}

/** Lines may end in CRLF or a bare LF (some servers send bare LF; refusing them would say nothing about TLS). */
export class LineReader {
  /** The unfinished line, as received: kept in pieces so that a line arriving a byte at a time is copied once. */
  private pieces: Buffer[] = [];
  private pendingOctets = 0;
  private total = 0;

  constructor(
    private readonly limits: LineLimits,
    private readonly limitError: LineLimitError,
  ) {}

  /** Whether bytes were received that are not yet part of a complete line. */
  get hasPartialLine(): boolean {
    return this.pendingOctets > 0;
  }

  /** Feeds received bytes; returns the lines they complete, without line endings, decoded as UTF-8. */
  push(chunk: Buffer): string[] {
    this.total += chunk.length;
    if (this.total > this.limits.maxTotalOctets) {
      throw this.limitError('TOO_MUCH_DATA', `more than ${this.limits.maxTotalOctets} octets received`);
    }
    const lines: string[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LF); end >= 0; end = chunk.indexOf(LF, start)) {
      const tail = chunk.subarray(start, end);
      const line = this.pieces.length === 0 ? tail : Buffer.concat([...this.pieces, tail]);
      this.pieces = [];
      this.pendingOctets = 0;
      const length = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
      this.checkLineLength(length + CRLF_OCTETS);
      lines.push(line.toString('utf8', 0, length));
      start = end + 1;
    }
    if (start < chunk.length) {
      // Copied, so that the unfinished line does not keep the whole chunk alive.
      this.pieces.push(Buffer.from(chunk.subarray(start)));
      this.pendingOctets += chunk.length - start;
    }
    // A line that has not ended yet is refused as soon as it is too long, not when (if ever) it ends. Its CR may
    // have arrived already, its LF not yet.
    this.checkLineLength(this.pendingOctets + 1);
    return lines;
  }

  private checkLineLength(octets: number): void {
    if (octets > this.limits.maxLineOctets) {
      throw this.limitError('LINE_TOO_LONG', `a line exceeds ${this.limits.maxLineOctets} octets`);
    }
  }
}
