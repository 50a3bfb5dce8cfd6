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
}

function run(text: string, start: number, end: number, closed: boolean): Run {
  return { end, text: text.slice(start + 1, closed ? end - 1 : end) };
}

/** Comments nest (RFC 5322 §3.2.2); a depth counter keeps that one pass. */
function comment(text: string, start: number): Run {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return run(text, start, i + 1, true);
  }
  return run(text, start, text.length, false);
}

function delimited(text: string, start: number, close: string): Run {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === close) return run(text, start, i + 1, true);
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
      const found = delimited(text, i, c === '"' ? '"' : '>');
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
