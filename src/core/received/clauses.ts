/**
 * The clauses of a Received field, RFC 5321 §4.4: `from … by … via … with … id … for …; date`. Real servers
 * reorder them, drop them, and put their own comments anywhere (Postfix's TLS comment sits between `from` and
 * `by`, Gmail's after `for`), so each clause simply collects the tokens up to the next keyword.
 */
import { tokenize, type Token } from './tokens';

export const CLAUSE_KEYWORDS = ['from', 'by', 'via', 'with', 'id', 'for'] as const;
export type ClauseKeyword = (typeof CLAUSE_KEYWORDS)[number];

export interface Clause {
  /** null for what precedes the first keyword, such as qmail's `(qmail 1234 invoked by uid 89)`. */
  keyword: ClauseKeyword | null;
  tokens: Token[];
}

export interface ReceivedParts {
  clauses: Clause[];
  /** The text after the last top-level `;`; null when there is none. */
  dateText: string | null;
  /** The comments in that text, such as `(PST)` or sendmail's `(envelope-from <…>)`. */
  dateComments: string[];
}

function keywordOf(token: Token): ClauseKeyword | null {
  if (token.kind !== 'word') return null;
  const word = token.text.toLowerCase();
  return (CLAUSE_KEYWORDS as readonly string[]).includes(word) ? (word as ClauseKeyword) : null;
}

export function splitClauses(value: string): ReceivedParts {
  const tokens = tokenize(value);
  let lastSemicolon = tokens.length - 1;
  while (lastSemicolon >= 0 && tokens[lastSemicolon]!.kind !== 'semicolon') lastSemicolon--;
  const semicolon = tokens[lastSemicolon];
  const dateText = semicolon?.kind === 'semicolon' ? value.slice(semicolon.end).trim() : null;
  const body = lastSemicolon < 0 ? tokens : tokens.slice(0, lastSemicolon);
  const dateComments = (lastSemicolon < 0 ? [] : tokens.slice(lastSemicolon + 1)).flatMap((token) =>
    token.kind === 'comment' ? [token.text] : [],
  );
  const clauses: Clause[] = [{ keyword: null, tokens: [] }];
  for (const token of body) {
    const current = clauses[clauses.length - 1]!;
    const keyword = keywordOf(token);
    // A keyword right after another is that clause's value (`from by by mx…`: a client said HELO "by").
    if (keyword && (current.keyword === null || current.tokens.length > 0))
      clauses.push({ keyword, tokens: [] });
    else if (token.kind !== 'semicolon') current.tokens.push(token);
  }
  return { clauses, dateText, dateComments };
}

/** The first clause with this keyword: a server writes each once, so later repeats are not its own. */
export function clause(parts: ReceivedParts, keyword: ClauseKeyword): Clause | undefined {
  return parts.clauses.find((c) => c.keyword === keyword);
}

export function words(c: Clause | undefined): string[] {
  return (c?.tokens ?? []).flatMap((token) => (token.kind === 'word' ? [token.text] : []));
}
