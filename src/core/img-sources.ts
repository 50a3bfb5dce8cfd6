/**
 * The `src` of every `<img>` element in an HTML body, read as the HTML tokenizer reads it (WHATWG HTML §13.2.5):
 * a tag ends at the first `>` outside a quoted attribute value, comments and the text of `script`, `style` and
 * the like hold no elements, the first of two `src` attributes counts, character references in a value are read,
 * and a tag the body ends inside is no element. The body is read once, left to right, with `indexOf` and
 * single-character steps only, so the time is linear in the body whatever it holds: it can be large, and it is
 * whatever the sender pasted or quoted.
 */

/**
 * Elements whose content is text up to their end tag, never markup (the tokenizer's RAWTEXT and RCDATA states).
 * Not `noscript`: a mail editor runs no scripts, and without scripting its content is markup.
 */
const RAW_TEXT = ['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes'];
/** Each one's end tag: a fixed string then one fixed character class, found in one pass with no re-trying. */
const RAW_TEXT_END = new Map(RAW_TEXT.map((name) => [name, new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi')]));

/** The tree builder makes an `<image>` start tag an `<img>` (WHATWG HTML §13.2.6.4.7, "in body"). */
const IMG = new Set(['img', 'image']);

const isSpace = (char: string | undefined) =>
  char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f';
const isLetter = (char: string | undefined) =>
  char !== undefined && ((char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z'));

/** One tag as far as this scan needs it: its name, its first `src` (references still in it), and where it ends. */
interface Tag {
  name: string;
  src?: string;
  /** The index after its `>`; -1 when the body ends inside the tag. */
  end: number;
}

/** Where a run of characters none of which is in `stops` ends (the body's length when it runs to the end). */
function runEnd(html: string, from: number, stops: string): number {
  let at = from;
  while (at < html.length && !stops.includes(html[at]!)) at++;
  return at;
}

/** A start or end tag from its name (at `at`) to its `>`, attributes read in the tokenizer's states. */
function readTag(html: string, at: number): Tag {
  const nameEnd = runEnd(html, at, ' \t\n\r\f/>');
  const tag: Tag = { name: html.slice(at, nameEnd).toLowerCase(), end: -1 };
  let i = nameEnd;
  while (i < html.length) {
    const char = html[i]!;
    if (char === '>') {
      tag.end = i + 1;
      return tag;
    }
    if (isSpace(char) || char === '/') {
      i++;
      continue;
    }
    // An attribute name: its first character is part of it whatever it is (`=` included, as the tokenizer has it).
    const attributeEnd = runEnd(html, i + 1, ' \t\n\r\f/>=');
    const attribute = html.slice(i, attributeEnd).toLowerCase();
    i = attributeEnd;
    while (isSpace(html[i])) i++;
    if (html[i] !== '=') {
      // An attribute with no value is there all the same, with an empty one.
      if (attribute === 'src') tag.src ??= '';
      continue;
    }
    i++;
    while (isSpace(html[i])) i++;
    const quote = html[i];
    let value: string;
    if (quote === '"' || quote === "'") {
      const close = html.indexOf(quote, i + 1);
      if (close < 0) return tag;
      value = html.slice(i + 1, close);
      i = close + 1;
    } else {
      const valueEnd = runEnd(html, i, ' \t\n\r\f>');
      value = html.slice(i, valueEnd);
      i = valueEnd;
    }
    if (attribute === 'src' && tag.src === undefined) tag.src = value;
  }
  return tag;
}

/**
 * Where a comment that starts right after `<!--` at `from` ends: after `-->` or `--!>`, or at once for `<!-->` and
 * `<!--->`. Each `--` is looked at once, so a body of many comments costs no more than its length.
 */
function commentEnd(html: string, from: number): number {
  if (html[from] === '>') return from + 1;
  if (html.startsWith('->', from)) return from + 2;
  for (let dashes = html.indexOf('--', from); dashes >= 0; dashes = html.indexOf('--', dashes + 1)) {
    if (html[dashes + 2] === '>') return dashes + 3;
    if (html.startsWith('!>', dashes + 2)) return dashes + 4;
  }
  return -1;
}

/** Where a raw-text element's content ends: at the start of its end tag, or -1 when the body ends first. */
function rawTextEnd(html: string, name: string, from: number): number {
  const end = RAW_TEXT_END.get(name);
  if (!end) return from;
  end.lastIndex = from;
  return end.exec(html)?.index ?? -1;
}

/** Where the markup starting at the `<` at `lt` ends, and the `src` when it is an `<img>` start tag. */
function readMarkup(html: string, lt: number): { end: number; src?: string } {
  const next = html[lt + 1];
  if (html.startsWith('!--', lt + 1)) return { end: commentEnd(html, lt + 4) };
  if (next === '!' || next === '?') {
    // A doctype, a CDATA section outside foreign content, or a bogus comment: each ends at the first `>`.
    const close = html.indexOf('>', lt + 2);
    return { end: close < 0 ? -1 : close + 1 };
  }
  if (next === '/') {
    if (isLetter(html[lt + 2])) return { end: readTag(html, lt + 2).end };
    const close = html.indexOf('>', lt + 2);
    return { end: close < 0 ? -1 : close + 1 };
  }
  // `<` before anything but a letter is text.
  if (!isLetter(next)) return { end: lt + 1 };
  const tag = readTag(html, lt + 1);
  if (tag.end < 0) return { end: -1 };
  if (IMG.has(tag.name) && tag.src !== undefined) return { end: tag.end, src: tag.src };
  return { end: rawTextEnd(html, tag.name, tag.end) };
}

/** What serializers write in attribute values (Thunderbird's and the HTML standard's escape `&`, `"`, `<`, `>`, U+00A0). */
const NAMED_REFERENCES: Record<string, string> = {
  amp: '&',
  quot: '"',
  lt: '<',
  gt: '>',
  apos: "'",
  nbsp: '\u00a0',
};
/** The longest reference read: `&#x10FFFF;` and the names above fit; a longer run of characters is text. */
const LONGEST_REFERENCE = 10;

/** A numeric reference's character: U+FFFD for none, a surrogate or beyond Unicode, as the tokenizer has it. */
function numbered(digits: string, hex: boolean): string | undefined {
  if (digits === '') return undefined;
  const code = parseInt(digits, hex ? 16 : 10);
  const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
  return valid ? String.fromCodePoint(code) : '\ufffd';
}

/** The character a reference (what follows `&`, up to its `;`) stands for; undefined for text that is none. */
function referenced(reference: string): string | undefined {
  if (reference[0] !== '#') return NAMED_REFERENCES[reference];
  const hex = reference[1] === 'x' || reference[1] === 'X';
  const digits = reference.slice(hex ? 2 : 1);
  const valid = hex ? /^[0-9a-f]+$/i.test(digits) : /^[0-9]+$/.test(digits);
  return valid ? numbered(digits, hex) : undefined;
}

/** An attribute value with its character references read; one that is not known stays as written. */
function attributeValue(raw: string): string {
  let amp = raw.indexOf('&');
  if (amp < 0) return raw;
  const parts: string[] = [];
  let copied = 0;
  while (amp >= 0) {
    // Looked for within a reference's length only: `&` after `&` with no `;` costs no more than the value.
    const reference = raw.slice(amp + 1, amp + 1 + LONGEST_REFERENCE);
    const semicolon = reference.indexOf(';');
    const char = semicolon > 0 ? referenced(reference.slice(0, semicolon)) : undefined;
    if (char !== undefined) {
      parts.push(raw.slice(copied, amp), char);
      copied = amp + 2 + semicolon;
    }
    amp = raw.indexOf('&', amp + 1);
  }
  parts.push(raw.slice(copied));
  return parts.join('');
}

/** The `src` value of every `<img>` in `html`, in document order, character references read. */
export function imgSources(html: string): string[] {
  const sources: string[] = [];
  let at = html.indexOf('<');
  while (at >= 0) {
    const { end, src } = readMarkup(html, at);
    if (src !== undefined) sources.push(attributeValue(src));
    if (end < 0) break;
    at = html.indexOf('<', end);
  }
  return sources;
}
