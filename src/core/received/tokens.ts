/**
 * The lexical layer of a Received field (RFC 5321 §4.4, RFC 5322 §3.6.7): words, comments (nested, with
 * quoted-pairs), quoted strings, angle addresses, and the last top-level `;` that starts the date. One pass, no
 * backtracking; an unclosed comment, quote or angle address runs to the end instead of failing.
 */

export type Token =
  | { kind: 'word'; text: string }
  | { kind: 'comment'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'angle'; text: string }
  | { kind: 'semicolon'; end: number };

const SPECIAL = new Set([' ', '\t', '\r', '\n', '(', '"', '<', ';']);

/** A delimited run from `start` (its opening character): where it ends and the text between the delimiters. */
interface Run {
  end: number;
  text: string;
  closed: boolean;
}

function run(text: string, start: number, end: number, closed: boolean): Run {
  return { end, text: text.slice(start + 1, closed ? end - 1 : end), closed };
}

/**
 * Angle addresses and quoted strings, quote-aware: a `>` inside a quoted local part (`<"a>(TLS1.3)"@e>`) does not
 * close the address. Every alternative starts with a different character and an unclosed quote or address runs to
 * the end instead of failing, so a match never backtracks and scanning stays linear on hostile text.
 */
const QUOTED_PAIR = String.raw`\\(?:[\s\S]|$)`;
const QUOTED_TEXT = String.raw`(?:[^"\\]|${QUOTED_PAIR})*`;
const QUOTED = `"${QUOTED_TEXT}("|$)`;
const ANGLE = String.raw`<(?:"${QUOTED_TEXT}(?:"|$)|[^>"\\]|${QUOTED_PAIR})*(>|$)`;
const ADDRESS_SOURCE = `${ANGLE}|${QUOTED}`;

/** Every angle address and quoted string in a text, for removing what a sender wrote from a server's comment. */
export const ADDRESSES = new RegExp(ADDRESS_SOURCE, 'g');
const ADDRESS_AT = new RegExp(ADDRESS_SOURCE, 'y');

/** The angle address or quoted string starting at `start`. */
function address(text: string, start: number): Run {
  ADDRESS_AT.lastIndex = start;
  const match = ADDRESS_AT.exec(text)!;
  const closed = (match[1] ?? match[2]) !== '';
  return run(text, start, start + match[0].length, closed);
}

/**
 * Comments nest (RFC 5322 §3.2.2); a depth counter keeps that one pass. Servers write addresses verbatim into
 * their comments (sendmail's `(envelope-from "a)(using TLSv1.3 …)"@x)`), so a closed quoted string inside one is
 * skipped whole: its parentheses are the sender's, not the server's. An unclosed quote is an ordinary character;
 * only the last quote of a text can be unclosed, so that costs one extra scan at most.
 */
function comment(text: string, start: number): Run {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') {
      const quoted = address(text, i);
      if (quoted.closed) i = quoted.end - 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return run(text, start, i + 1, true);
  }
  return run(text, start, text.length, false);
}

function wordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && !SPECIAL.has(text[i]!)) i++;
  return i;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    let end: number;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') end = i + 1;
    else if (c === ';') {
      end = i + 1;
      tokens.push({ kind: 'semicolon', end });
    } else if (c === '(') {
      const found = comment(text, i);
      end = found.end;
      tokens.push({ kind: 'comment', text: found.text });
    } else if (c === '"' || c === '<') {
      const found = address(text, i);
      end = found.end;
      tokens.push({ kind: c === '"' ? 'quoted' : 'angle', text: found.text });
    } else {
      end = wordEnd(text, i);
      tokens.push({ kind: 'word', text: text.slice(i, end) });
    }
    i = end;
  }
  return tokens;
}
