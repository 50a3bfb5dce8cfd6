/**
 * The header block of a raw message (RFC 5322 §2.2): the lines before the first empty line, unfolded
 * (§2.2.3). Works on a whole message or on headers alone, with CRLF or bare LF line ends, and reads at most
 * MAX_HEADER_CHARS characters and MAX_HEADER_FIELDS fields, so that a hostile message costs bounded work.
 */

/** Far beyond real header blocks (tens of kilobytes with DKIM and ARC sets), small enough to scan at once. */
export const MAX_HEADER_CHARS = 512 * 1024;
export const MAX_HEADER_FIELDS = 2000;

export interface HeaderField {
  /** As written; compare case-insensitively (§1.2.2). */
  name: string;
  /** Unfolded: each line break before folding white space removed, the white space kept. */
  value: string;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** True when a cap stopped the reading before the block ended. */
  truncated: boolean;
}

/** RFC 5322 §3.6.8 field name (printable ASCII but colon); §4.5.3 obsolete syntax allows white space before it. */
const FIELD = /^([!-9;-~]+)[ \t]*:(.*)$/s;
const CONTINUATION = /^[ \t]/;

/** An mbox "From " separator or a byte order mark precedes the headers in some saved messages. */
function leadingJunk(lines: string[]): number {
  return lines[0]?.startsWith('From ') && !FIELD.test(lines[0]) ? 1 : 0;
}

export function splitHeaderBlock(raw: string): HeaderBlock {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
  const cut = text.length > MAX_HEADER_CHARS;
  const lines = text.slice(0, MAX_HEADER_CHARS).split(/\r?\n/);
  const fields: HeaderField[] = [];
  let current: HeaderField | undefined;
  for (let i = leadingJunk(lines); i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') return { fields, truncated: false };
    if (CONTINUATION.test(line)) {
      // A continuation with no field before it is malformed; it is dropped rather than guessed at.
      if (current) current.value += line;
      continue;
    }
    const match = FIELD.exec(line);
    if (!match) {
      current = undefined;
      continue;
    }
    if (fields.length === MAX_HEADER_FIELDS) return { fields, truncated: true };
    current = { name: match[1]!, value: match[2]! };
    fields.push(current);
  }
  return { fields, truncated: cut };
}

/** The values of every field with this name, in message order (top first). */
export function fieldValues(block: HeaderBlock, name: string): string[] {
  const wanted = name.toLowerCase();
  return block.fields.filter((field) => field.name.toLowerCase() === wanted).map((field) => field.value);
}
