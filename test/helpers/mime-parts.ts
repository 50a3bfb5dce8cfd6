/**
 * A small MIME reader for what arrives in the bed's maildir (RFC 2045/2046): the message as a tree of parts, each
 * with its headers and, for a leaf, its content decoded from base64 or quoted-printable to bytes. Works on the
 * raw bytes as latin1 text, so binary content survives; accepts LF (Postfix's maildir) and CRLF line ends. A
 * test reader for trusted input: no limits, and line-by-line rather than regular expressions over the whole.
 */

export interface MimePart {
  /** Lower-case names; a repeated header keeps its first value. */
  headers: Map<string, string>;
  /** `type/subtype`, lower case; text/plain where the part says none. */
  type: string;
  params: Map<string, string>;
  /** The sub-parts of a multipart, in order. */
  parts: MimePart[];
  /** A leaf's decoded content (empty for a multipart). */
  content: Buffer;
}

/** `value; a=b; c="d"` → the value and its parameters (names lower case). */
function withParams(field: string): { value: string; params: Map<string, string> } {
  const [value = '', ...rest] = field.split(';');
  const params = new Map<string, string>();
  for (const param of rest) {
    const at = param.indexOf('=');
    if (at < 0) continue;
    const raw = param.slice(at + 1).trim();
    params.set(
      param.slice(0, at).trim().toLowerCase(),
      raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw,
    );
  }
  return { value: value.trim().toLowerCase(), params };
}

function readHeaders(lines: readonly string[]): Map<string, string> {
  const headers = new Map<string, string>();
  let current: [string, string] | undefined;
  const flush = () => {
    if (current && !headers.has(current[0])) headers.set(current[0], current[1].trim());
  };
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && current) {
      current[1] += ` ${line.trim()}`;
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    current = colon > 0 ? [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1)] : undefined;
  }
  flush();
  return headers;
}

function decodeQuotedPrintable(lines: readonly string[]): Buffer {
  const bytes: number[] = [];
  lines.forEach((line, index) => {
    const soft = line.endsWith('=');
    let end = soft ? line.length - 1 : line.length;
    // Trailing whitespace on a line was added in transport (RFC 2045 §6.7 rule 3).
    while (!soft && end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    const text = line.slice(0, end);
    for (let i = 0; i < text.length; i++) {
      const hex = text.slice(i + 1, i + 3);
      if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else bytes.push(text.charCodeAt(i) & 0xff);
    }
    // A line break in quoted-printable is the canonical CRLF, except after a soft break and at the very end.
    if (!soft && index < lines.length - 1) bytes.push(13, 10);
  });
  return Buffer.from(bytes);
}

function decode(lines: readonly string[], encoding: string): Buffer {
  switch (encoding) {
    case 'base64':
      return Buffer.from(lines.join(''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(lines);
    default:
      return Buffer.from(lines.join('\r\n'), 'latin1');
  }
}

function readPart(lines: readonly string[]): MimePart {
  const blank = lines.indexOf('');
  const head = blank < 0 ? lines : lines.slice(0, blank);
  const body = blank < 0 ? [] : lines.slice(blank + 1);
  const headers = readHeaders(head);
  const { value, params } = withParams(headers.get('content-type') ?? 'text/plain');
  const type = value || 'text/plain';
  const boundary = params.get('boundary');
  if (!type.startsWith('multipart/') || !boundary) {
    const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
    return { headers, type, params, parts: [], content: decode(body, encoding) };
  }
  const parts: MimePart[] = [];
  let current: string[] | undefined;
  for (const line of body) {
    if (line === `--${boundary}--`) break;
    if (line === `--${boundary}`) {
      if (current) parts.push(readPart(current));
      current = [];
    } else current?.push(line);
  }
  if (current) parts.push(readPart(current));
  return { headers, type, params, parts, content: Buffer.alloc(0) };
}

/** A CR before the LF belongs to the line's end, not its content. */
function lineOf(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

export function parseMime(raw: Buffer | string): MimePart {
  const text = typeof raw === 'string' ? raw : raw.toString('latin1');
  // The body ends with the last line break; the empty string after it is no line.
  const lines = text.split('\n').map(lineOf);
  if (lines.at(-1) === '') lines.pop();
  return readPart(lines);
}

/** Every leaf of the tree, depth first. */
export function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

/** The file name a part is attached under (Content-Disposition's filename, else Content-Type's name). */
export function fileNameOf(part: MimePart): string | undefined {
  const disposition = withParams(part.headers.get('content-disposition') ?? '');
  return disposition.params.get('filename') ?? part.params.get('name');
}

/** A part's Content-ID without its angle brackets. */
export function contentIdOf(part: MimePart): string | undefined {
  const id = part.headers.get('content-id');
  return id?.replace(/^<|>$/g, '');
}
