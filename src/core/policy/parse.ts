/** Policy text (JSON or YAML) → a validated Policy, or a PolicyError naming the path of every bad field. */
import {
  isCollection,
  isMap,
  isScalar,
  Lexer,
  parseDocument,
  YAMLError,
  YAMLParseError,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';
import type { z } from 'zod';
import { SendguardError } from '../errors';
import { PolicySchema, type Policy } from './schema';
import { formatPath } from './rules';

export interface PolicyIssue {
  /** Where, as an admin would find it in the file: `classifications[2].prefer[0]`; `(document)` for the whole. */
  path: string;
  message: string;
  /** The same path as keys, for finding the field in the document (the admin console's line and column). */
  keys?: readonly PropertyKey[];
  /** For YAML that does not parse: the offset in the text where the parser stopped. */
  offset?: number;
}

export class PolicyError extends SendguardError {
  constructor(readonly issues: PolicyIssue[]) {
    super(
      'POLICY_INVALID',
      `the policy is not valid:\n${issues.map((issue) => `  ${issue.path}: ${issue.message}`).join('\n')}`,
    );
  }
}

/** A policy is a page of settings; anything near this size is a mistake or an attack. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/** Where a problem is, as `classifications[0].prefer[1]`; kept here for the server's config loader too. */
export { formatPath } from './rules';

function issuesOf(error: z.ZodError): PolicyIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
    keys: issue.path,
  }));
}

/** Validates an already-parsed document (as held by a server or bundled into an add-in). */
export function validatePolicy(document: unknown): Policy {
  const result = PolicySchema.safeParse(document);
  if (!result.success) throw new PolicyError(issuesOf(result.error));
  return result.data;
}

/**
 * Far deeper than any policy. The `yaml` library recurses once per level: deep flow collections and compact
 * mappings (`a: a: a: …`) slow it down superlinearly, and a second document nested a few thousand levels deep in
 * one process has crashed Node (V8 aborts compiling a regular expression at the stack limit). Found by fuzzing.
 */
const MAX_DEPTH = 64;

/** `- `, `? ` and `: ` each open a block level (or try to), wherever they stand on a line. */
function isIndicator(c: string, next: string | undefined): boolean {
  return (c === '-' || c === '?' || c === ':') && (next === ' ' || next === '\t');
}

/** More aliases than any policy needs; a "billion laughs" chain has one or two a line. */
const MAX_ALIASES = 200;

/**
 * Why the YAML holds too many aliases to hand to the parser, if it does. Composing a document costs `yaml` several
 * microseconds an alias, and its expansion limit (`maxAliasCount` in `yamlValue`) only applies after that: a chain
 * of aliases one page long took tens of milliseconds to refuse. Counted by `yaml`'s own lexer, which tells an alias
 * (`*name`) from a star in a quoted or plain scalar, and only when the text holds that many stars at all; the count
 * stops at the first alias past the limit.
 */
function aliasProblem(text: string): string | undefined {
  let stars = 0;
  for (let at = text.indexOf('*'); at >= 0 && stars <= MAX_ALIASES; at = text.indexOf('*', at + 1)) stars++;
  if (stars <= MAX_ALIASES) return undefined;
  let aliases = 0;
  for (const token of new Lexer().lex(text)) {
    if (token.startsWith('*') && ++aliases > MAX_ALIASES) {
      return `holds more than ${MAX_ALIASES} aliases (*name): a policy needs few, and many are a resource exhaustion attack`;
    }
  }
  return undefined;
}

/**
 * Why the YAML nests too deep to hand to the parser, if it does: `[`/`{` left open past MAX_DEPTH, or a line whose
 * indentation levels (each deeper indentation than the lines it sits under is one) and `- `, `? `, `: `
 * indicators add up past it. Strings are not told apart (a policy has no such runs). Linear: each line's
 * indentation is pushed once and popped at most once.
 */
function nestingProblem(text: string): string | undefined {
  let flow = 0;
  const indents: number[] = [];
  for (let start = 0; start < text.length;) {
    // YAML ends a line at LF, CR or CRLF (a CRLF makes an empty line here, which changes nothing).
    let end = start;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    let column = start;
    while (column < end && (text[column] === ' ' || text[column] === '\t')) column++;
    const indent = column - start;
    if (column < end) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    let block = indents.length;
    for (let i = column; i < end; i++) {
      const c = text[i]!;
      if (isIndicator(c, text[i + 1]) && ++block > MAX_DEPTH)
        return `has a line indented or nested more than ${MAX_DEPTH} deep`;
      if (c === '[' || c === '{') {
        if (++flow > MAX_DEPTH) return `nests [ ] or { } more than ${MAX_DEPTH} deep`;
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (block > MAX_DEPTH) return `has a line indented or nested more than ${MAX_DEPTH} deep`;
    start = end + 1;
  }
  return undefined;
}

/** A policy file's format by its name, for the server and the CLI alike: JSON when it ends in `.json`. */
export function policyFormatOf(fileName: string): 'json' | 'yaml' {
  return fileName.endsWith('.json') ? 'json' : 'yaml';
}

/**
 * What the YAML parser read of a text, for a caller that places problems in it (the admin console's check): lines
 * counted as the text was read, and the document once it parsed.
 */
export interface YamlReading {
  lines: LineCounter;
  document?: Document;
}

/**
 * Parses JSON or YAML (JSON is YAML, but its errors read better from JSON.parse). With `reading`, YAML is read into
 * it too, so that the caller can place the problems without parsing the text again.
 */
export function parsePolicy(text: string, format: 'json' | 'yaml' = 'yaml', reading?: YamlReading): Policy {
  if (text.length > MAX_POLICY_BYTES) {
    throw new PolicyError([{ path: '(document)', message: `is over ${MAX_POLICY_BYTES} bytes` }]);
  }
  // JSON.parse needs no such guard: it is linear and does not recurse on the stack.
  const unreadable = format === 'yaml' ? (nestingProblem(text) ?? aliasProblem(text)) : undefined;
  if (unreadable !== undefined) throw new PolicyError([{ path: '(document)', message: unreadable }]);
  let document: unknown;
  try {
    document = format === 'json' ? JSON.parse(text) : yamlValue(text, reading);
  } catch (error) {
    throw new PolicyError([
      {
        path: '(document)',
        message: `is not valid ${format.toUpperCase()}: ${(error as Error).message}${place(text, error)}`,
        ...(error instanceof YAMLError ? { offset: error.pos[0] } : {}),
      },
    ]);
  }
  return validatePolicy(document);
}

/**
 * The YAML's value, as `yaml`'s `parse` gives it with these differences. yaml's pretty errors copy the line around
 * every error it finds, which is quadratic on a long line of errors: the place is added once, by the caller. Its
 * unique-keys check compares each key with every key before it in the mapping, which takes most of a minute on a
 * policy of 30 000 labels: keys are checked here instead, each mapping's in one pass. Few aliases are legitimate in
 * a policy; many are a "billion laughs" expansion.
 */
function yamlValue(text: string, reading?: YamlReading): unknown {
  const document = parseDocument(text, {
    uniqueKeys: false,
    prettyErrors: false,
    ...(reading ? { lineCounter: reading.lines } : {}),
  });
  if (reading) reading.document = document;
  const [error] = document.errors;
  if (error) throw error;
  const repeated = repeatedKey(document.contents);
  if (repeated !== undefined)
    throw new YAMLParseError([repeated, repeated + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
  return document.toJS({ maxAliasCount: 50 });
}

/**
 * Where the first key repeated in a mapping is (`yaml` compares scalar keys by value, others by identity), if any.
 * A loop over a stack, not recursion: the depth guard bounds the nesting, but the walk need not rely on it.
 */
function repeatedKey(root: unknown): number | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    // Scalars hold no keys, and an alias (not a collection either) repeats a node walked where it is anchored.
    if (!isCollection(node)) continue;
    const seen = new Set<unknown>();
    for (const item of node.items) {
      if (!isMap(node)) {
        stack.push(item);
        continue;
      }
      const { key, value } = item as { key: unknown; value: unknown };
      if (isScalar(key)) {
        if (seen.has(key.value)) return (key as Node).range?.[0] ?? 0;
        seen.add(key.value);
      }
      stack.push(key, value);
    }
  }
  return undefined;
}

/** ` at line L, column C` for a YAML error that knows its offset. */
function place(text: string, error: unknown): string {
  if (!(error instanceof YAMLError)) return '';
  const before = text.slice(0, error.pos[0]);
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}
