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
  private pending: Buffer = Buffer.alloc(0);
  private total = 0;

  constructor(
    private readonly limits: LineLimits,
    private readonly limitError: LineLimitError,
  ) {}

  /** Whether bytes were received that are not yet part of a complete line. */
  get hasPartialLine(): boolean {
    return this.pending.length > 0;
  }

  /** Feeds received bytes; returns the lines they complete, without line endings, decoded as UTF-8. */
  push(chunk: Buffer): string[] {
    this.total += chunk.length;
    if (this.total > this.limits.maxTotalOctets) {
      throw this.limitError('TOO_MUCH_DATA', `more than ${this.limits.maxTotalOctets} octets received`);
    }
    // Only the unfinished line is copied again, and it is never longer than the line cap.
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    let start = 0;
    for (let end = this.pending.indexOf(LF); end >= 0; end = this.pending.indexOf(LF, start)) {
      const lineEnd = end > start && this.pending[end - 1] === CR ? end - 1 : end;
      this.checkLineLength(lineEnd - start + CRLF_OCTETS);
      lines.push(this.pending.toString('utf8', start, lineEnd));
      start = end + 1;
    }
    this.pending = Buffer.from(this.pending.subarray(start));
    // A line that has not ended yet is refused as soon as it is too long, not when (if ever) it ends. Its CR may
    // have arrived already, its LF not yet.
    this.checkLineLength(this.pending.length + 1);
    return lines;
  }

  private checkLineLength(octets: number): void {
    if (octets > this.limits.maxLineOctets) {
      throw this.limitError('LINE_TOO_LONG', `a line exceeds ${this.limits.maxLineOctets} octets`);
    }
  }
}
