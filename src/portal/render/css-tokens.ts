/**
 * A CSS tokenizer after CSS Syntax Level 3 §4, enough to find where a style attribute's tokens begin and end the
 * way a browser does: strings, comments, escapes, `url(` tokens, functions, numbers. One pass, no backtracking:
 * every step consumes at least one character. Tokens that held an escape are flagged, so that a caller can refuse
 * them rather than decode them (`u\rl(` and `\75 rl(` are both `url(` to a browser).
 */

export type CssTokenKind =
  | 'whitespace'
  | 'comment'
  | 'ident'
  | 'function'
  | 'url'
  | 'at-keyword'
  | 'hash'
  | 'string'
  | 'bad-string'
  | 'number'
  | 'percentage'
  | 'dimension'
  | 'delim'
  | 'cdo'
  | 'cdc'
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | ','
  | ':'
  | ';';

export interface CssToken {
  kind: CssTokenKind;
  /** Start and end offsets in the input: `input.slice(start, end)` is the token's source text. */
  start: number;
  end: number;
  /** The name of an ident, function or at-keyword as written (escapes not decoded), or a delim's character. */
  name: string;
  /** The token's text contains a backslash escape. */
  escaped: boolean;
}

const PUNCTUATION = new Set(['(', ')', '[', ']', '{', '}', ',', ':', ';']);

const isWhitespace = (c: string | undefined) =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isNewline = (c: string | undefined) => c === '\n' || c === '\r' || c === '\f';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isNameStart = (c: string | undefined) =>
  c !== undefined && (/^[a-zA-Z_]$/.test(c) || c.charCodeAt(0) >= 0x80 || c === '\0');
const isName = (c: string | undefined) => isNameStart(c) || isDigit(c) || c === '-';

/** A name with its escapes decoded (§4.3.7), to see `u\rl` and `\75 rl` as the `url` they are. */
function decodeEscapes(name: string): string {
  if (!name.includes('\\')) return name;
  let out = '';
  for (let i = 0; i < name.length;) {
    if (name[i] !== '\\') {
      out += name[i++];
      continue;
    }
    i++;
    let hex = '';
    while (hex.length < 6 && isHex(name[i])) hex += name[i++];
    if (hex) {
      const code = parseInt(hex, 16);
      out +=
        code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
          ? '\ufffd'
          : String.fromCodePoint(code);
      if (isWhitespace(name[i])) i++;
    } else if (i < name.length) out += name[i++];
  }
  return out;
}

// Kept whole, as a tokenizer's state machine: CSS Syntax §4.3's consume-* steps all move the one cursor `i`.
export function tokenizeCss(input: string): CssToken[] {
  const tokens: CssToken[] = [];
  let i = 0;
  const at = (offset = 0) => input[i + offset];
  const validEscape = (offset = 0) =>
    at(offset) === '\\' && at(offset + 1) !== undefined && !isNewline(at(offset + 1));
  const startsIdent = (offset = 0) => {
    const c = at(offset);
    if (c === '-') return isNameStart(at(offset + 1)) || at(offset + 1) === '-' || validEscape(offset + 1);
    return isNameStart(c) || validEscape(offset);
  };
  const startsNumber = () => {
    const c = at();
    if (c === '+' || c === '-') return isDigit(at(1)) || (at(1) === '.' && isDigit(at(2)));
    if (c === '.') return isDigit(at(1));
    return isDigit(c);
  };
  /** §4.3.7: the backslash, then up to six hex digits and one whitespace, or any one character. */
  const consumeEscape = () => {
    i++;
    if (isHex(at())) {
      for (let n = 0; n < 6 && isHex(at()); n++) i++;
      if (isWhitespace(at())) i++;
    } else if (at() !== undefined) i++;
  };
  /** §4.3.12: returns whether an escape was part of the name. */
  const consumeName = () => {
    let escaped = false;
    for (;;) {
      if (isName(at())) i++;
      else if (validEscape()) {
        escaped = true;
        consumeEscape();
      } else return escaped;
    }
  };
  const consumeDigits = () => {
    while (isDigit(at())) i++;
  };
  const consumeNumber = () => {
    if (at() === '+' || at() === '-') i++;
    consumeDigits();
    if (at() === '.' && isDigit(at(1))) {
      i++;
      consumeDigits();
    }
    if (
      (at() === 'e' || at() === 'E') &&
      (isDigit(at(1)) || ((at(1) === '+' || at(1) === '-') && isDigit(at(2))))
    ) {
      i += 2;
      consumeDigits();
    }
  };
  /** §4.3.6 and §4.3.14: a url token runs to its `)` (escapes included), a bad one too. */
  const consumeUrlRest = () => {
    let escaped = false;
    while (at() !== undefined && at() !== ')') {
      if (validEscape()) {
        escaped = true;
        consumeEscape();
      } else i++;
    }
    if (at() === ')') i++;
    return escaped;
  };

  while (i < input.length) {
    const start = i;
    const c = at()!;
    let kind: CssTokenKind;
    let escaped = false;
    let name = '';
    if (isWhitespace(c)) {
      while (isWhitespace(at())) i++;
      kind = 'whitespace';
    } else if (c === '/' && at(1) === '*') {
      const close = input.indexOf('*/', i + 2);
      i = close < 0 ? input.length : close + 2;
      kind = 'comment';
    } else if (c === '"' || c === "'") {
      i++;
      kind = 'bad-string'; // until the closing quote proves otherwise
      while (i < input.length) {
        const d = at();
        if (d === c) {
          i++;
          kind = 'string';
          break;
        }
        if (isNewline(d)) break;
        if (d === '\\') {
          escaped = true;
          if (isNewline(at(1))) i += 2;
          else consumeEscape();
        } else i++;
      }
    } else if (startsNumber()) {
      consumeNumber();
      if (startsIdent()) {
        escaped = consumeName();
        kind = 'dimension';
      } else if (at() === '%') {
        i++;
        kind = 'percentage';
      } else kind = 'number';
    } else if (c === '-' && at(1) === '-' && at(2) === '>') {
      i += 3;
      kind = 'cdc';
    } else if (startsIdent()) {
      escaped = consumeName();
      name = input.slice(start, i);
      if (at() === '(') {
        i++;
        if (decodeEscapes(name).toLowerCase() === 'url') {
          while (isWhitespace(at())) i++;
          if (at() === '"' || at() === "'") kind = 'function';
          else {
            escaped = consumeUrlRest() || escaped;
            kind = 'url';
          }
        } else kind = 'function';
      } else kind = 'ident';
    } else if (c === '#' && (isName(at(1)) || validEscape(1))) {
      i++;
      escaped = consumeName();
      kind = 'hash';
    } else if (c === '@' && startsIdent(1)) {
      i++;
      escaped = consumeName();
      name = input.slice(start + 1, i);
      kind = 'at-keyword';
    } else if (c === '<' && input.startsWith('<!--', i)) {
      i += 4;
      kind = 'cdo';
    } else if (PUNCTUATION.has(c)) {
      i++;
      kind = c as CssTokenKind;
    } else {
      i++;
      kind = 'delim';
      name = c;
      escaped = c === '\\';
    }
    tokens.push({ kind, start, end: i, name, escaped });
  }
  return tokens;
}
