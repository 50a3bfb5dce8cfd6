/**
 * MTA-STS (RFC 8461) as pure functions: the `_mta-sts` TXT record (§3.1), the policy file (§3.2) and MX matching
 * (§4.1). No I/O; the fetcher and the composing `getStsPolicy` live beside this file.
 */
import { DomainError, normalizeDomain } from '../../core/addresses';
import { SendguardError } from '../../core/errors';
import { matchesNamePattern } from './name-pattern';

/**
 * A versioned TXT record's reading, as a status rather than an error: RFC 8461 §3.1 and RFC 8460 §3 both say that
 * no record, several records and a malformed one all mean "the domain does not implement this".
 */
export type TxtRecordStatus<T extends object> =
  | ({ status: 'record' } & T)
  | { status: 'none' }
  | { status: 'multiple'; count: number }
  | { status: 'invalid'; reason: string };

// RFC 8461 §3.1 and RFC 8460 §3 share this grammar: `sts-sep` / `field-delim` (`*WSP ";" *WSP`) and the
// extension field name. The name is at most 32 characters, so this pattern cannot backtrack far.
const FIELD = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31})=(.+)$/s;

/**
 * The longest versioned TXT record read, joined. DNS caps a record at 64 KiB of 255-octet strings; a real STS
 * record is under 100 octets and a TLS-RPT record with a few destinations a few hundred, so anything longer is
 * not a policy statement but an attempt to make every reader work.
 */
export const TXT_RECORD_MAX_OCTETS = 4096;

/**
 * Reads the one TXT record that starts with `version` (case-sensitive, followed by a `;` separator), shared by
 * MTA-STS and TLS-RPT. Each record's character-strings are joined without spaces (RFC 7208 §3.3 style, which both
 * RFCs inherit). `readFields` gets the fields, first occurrence of each name winning, and returns the reading or
 * a reason the record is invalid.
 */
export function parseVersionedTxtRecord<T extends object>(
  txtRecords: readonly (readonly string[])[],
  version: string,
  readFields: (fields: ReadonlyMap<string, string>) => T | string,
): TxtRecordStatus<T> {
  const candidates = txtRecords
    .map((strings) => strings.join(''))
    .filter((text) => startsWithVersion(text, version));
  if (candidates.length === 0) return { status: 'none' };
  if (candidates.length > 1) return { status: 'multiple', count: candidates.length };
  const text = candidates[0] as string;
  const octets = Buffer.byteLength(text, 'utf8');
  if (octets > TXT_RECORD_MAX_OCTETS) {
    return {
      status: 'invalid',
      reason: `the record is ${octets} octets long, more than the ${TXT_RECORD_MAX_OCTETS} read`,
    };
  }
  const fields = splitFields(text.slice(version.length));
  if (typeof fields === 'string') return { status: 'invalid', reason: fields };
  const reading = readFields(fields);
  return typeof reading === 'string'
    ? { status: 'invalid', reason: reading }
    : { status: 'record', ...reading };
}

/** RFC 8461 §3.1: records that do not begin with "v=STSv1;" are discarded (the ABNF allows WSP before the `;`). */
function startsWithVersion(text: string, version: string): boolean {
  if (!text.startsWith(version)) return false;
  const separator = skipWsp(text, version.length);
  return text[separator] === ';';
}

/** `1*(sep field) [sep]` after the version: fields by name, or why the syntax is wrong. */
function splitFields(rest: string): Map<string, string> | string {
  // The text before the first `;` is the WSP that startsWithVersion allowed.
  const parts = splitAround(rest, ';').slice(1);
  if (parts.at(-1) === '') parts.pop();
  if (parts.length === 0) return 'the record has no fields after the version';
  const fields = new Map<string, string>();
  for (const part of parts) {
    const match = FIELD.exec(part);
    if (match === null) return `"${shorten(part)}" is not a name=value field`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!fields.has(name)) fields.set(name, value);
  }
  return fields;
}

/**
 * `text` split at every `separator`, with the WSP (space, tab) on either side of each separator dropped and the
 * WSP at the two ends of `text` kept: the `*WSP sep *WSP` delimiters of RFC 8461 §3.1 and RFC 8460 §3, in one
 * linear pass rather than a regular expression that backtracks over long runs of spaces.
 */
export function splitAround(text: string, separator: string): string[] {
  const pieces = text.split(separator);
  return pieces.map((piece, index) => {
    const start = index === 0 ? 0 : skipWsp(piece, 0);
    const end = index === pieces.length - 1 ? piece.length : skipWspBackwards(piece, piece.length);
    return start < end ? piece.slice(start, end) : '';
  });
}

function isWsp(character: string | undefined): boolean {
  return character === ' ' || character === '\t';
}

/** The first index from `from` on that is not WSP. */
function skipWsp(text: string, from: number): number {
  let index = from;
  while (isWsp(text[index])) index++;
  return index;
}

/** The index just past the last character before `end` that is not WSP. */
function skipWspBackwards(text: string, end: number): number {
  let index = end;
  while (index > 0 && isWsp(text[index - 1])) index--;
  return index;
}

/** A remote value quoted in a reason, cut short so a reason stays readable. */
export function shorten(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

const STS_ID = /^[A-Za-z0-9]{1,32}$/;

/** RFC 8461 §3.1: the `_mta-sts` TXT record. Extension fields are ignored. */
export function parseStsRecord(txtRecords: readonly (readonly string[])[]): TxtRecordStatus<{ id: string }> {
  return parseVersionedTxtRecord(txtRecords, 'v=STSv1', (fields) => {
    const id = fields.get('id');
    if (id === undefined) return 'the record has no id';
    if (!STS_ID.test(id)) return `id "${shorten(id)}" is not 1 to 32 letters and digits`;
    return { id };
  });
}

type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  version: 'STSv1';
  mode: StsMode;
  /** Seconds the policy may be cached, 0..31557600. */
  maxAge: number;
  /** Lower-case A-label patterns, a `*.` prefix standing for one label; empty only in mode `none`. */
  mx: string[];
}

/** Which rule of RFC 8461 §3.2 a policy broke. */
export type StsPolicyRule = 'version' | 'mode' | 'max_age' | 'mx' | 'line';

export class StsPolicyError extends SendguardError {
  constructor(
    readonly rule: StsPolicyRule,
    message: string,
  ) {
    super('STS_POLICY_INVALID', message);
  }
}

const MAX_AGE_LIMIT = 31_557_600;
const MODES: readonly StsMode[] = ['enforce', 'testing', 'none'];
// `sts-policy-ext-name`: case-sensitive, at most 32 characters, and the colon follows it directly.
const POLICY_FIELD_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const POLICY_FIELD_NAME_MAX = 32;
// Characters that end a line for JavaScript's `.` but not for RFC 8461 §3.2 (only LF and CRLF do): a line holding
// one is not a field.
const STRAY_LINE_BREAK = /[\r\u2028\u2029]/;
/** RFC 1035 §2.3.4: a name has at most 255 octets on the wire, 253 characters as text; `*.` may precede it. */
const MX_DOMAIN_MAX = 253;
/**
 * RFC 8461 §3.2 sets no line length, but its longest defined line, `mx: *.` and a 253-character domain, is about
 * 260 characters; 512 leaves room for WSP and extension fields. A longer line is not a policy a sender could rely on.
 */
export const STS_POLICY_LINE_MAX = 512;
// `["*."] Domain` with RFC 5321's Domain: LDH labels of at most 63 characters, no trailing dot, ASCII only.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const MX_PATTERN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/**
 * RFC 8461 §3.2: the policy file, lines ending in LF or CRLF. The first occurrence of a field wins, except `mx`,
 * which may repeat. Unknown fields, and lines that are not fields at all, are ignored; the four defined fields
 * must match the ABNF exactly (so `mode: ENFORCE` or `max_age: 1e3` make the whole policy invalid).
 */
export function parseStsPolicy(text: string): StsPolicy {
  const fields = policyFields(text);
  const version = fields.get('version')?.[0];
  if (version !== 'STSv1')
    throw new StsPolicyError('version', fieldProblem('version', version, 'must be "STSv1"'));
  const mode = fields.get('mode')?.[0];
  if (!isStsMode(mode)) {
    throw new StsPolicyError('mode', fieldProblem('mode', mode, 'must be enforce, testing or none'));
  }
  return {
    version,
    mode,
    maxAge: parseMaxAge(fields.get('max_age')?.[0]),
    mx: parseMxPatterns(fields.get('mx') ?? [], mode === 'none'),
  };
}

function isStsMode(value: string | undefined): value is StsMode {
  return MODES.includes(value as StsMode);
}

/**
 * Every field line's name and value (WSP around the value dropped), in one pass with no backtracking: the body is
 * up to 64 KiB of the remote party's choosing. A line is not a field unless a valid name and a colon start it; a
 * line longer than STS_POLICY_LINE_MAX makes the whole policy invalid.
 */
function policyFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length > STS_POLICY_LINE_MAX) {
      throw new StsPolicyError(
        'line',
        `line ${index + 1} of the policy is ${line.length} characters long, more than the ${STS_POLICY_LINE_MAX} allowed`,
      );
    }
    const field = policyField(line);
    if (field === undefined) continue;
    const [key, value] = field;
    const values = fields.get(key);
    if (values === undefined) fields.set(key, [value]);
    else if (key === 'mx') values.push(value);
  }
  return fields;
}

function policyField(line: string): [name: string, value: string] | undefined {
  const colon = line.indexOf(':');
  if (colon < 1 || colon > POLICY_FIELD_NAME_MAX) return undefined;
  const name = line.slice(0, colon);
  if (!POLICY_FIELD_NAME.test(name) || STRAY_LINE_BREAK.test(line)) return undefined;
  const start = skipWsp(line, colon + 1);
  return [name, line.slice(start, Math.max(start, skipWspBackwards(line, line.length)))];
}

function fieldProblem(field: string, value: string | undefined, rule: string): string {
  return value === undefined ? `the policy has no ${field}` : `${field} "${shorten(value)}" ${rule}`;
}

function parseMaxAge(value: string | undefined): number {
  if (value === undefined || !/^[0-9]{1,10}$/.test(value) || Number(value) > MAX_AGE_LIMIT) {
    throw new StsPolicyError(
      'max_age',
      fieldProblem('max_age', value, `must be a whole number from 0 to ${MAX_AGE_LIMIT}`),
    );
  }
  return Number(value);
}

function parseMxPatterns(values: string[], optional: boolean): string[] {
  if (values.length === 0 && !optional)
    throw new StsPolicyError('mx', 'the policy has no mx but its mode needs one');
  const invalid = values.find((value) => !isMxPattern(value));
  if (invalid !== undefined) {
    throw new StsPolicyError(
      'mx',
      fieldProblem('mx', invalid, 'is not a host name or a "*." wildcard (A-labels only)'),
    );
  }
  return [...new Set(values.map((value) => value.toLowerCase()))];
}

function isMxPattern(value: string): boolean {
  const domainLength = value.startsWith('*.') ? value.length - 2 : value.length;
  return domainLength <= MX_DOMAIN_MAX && MX_PATTERN.test(value);
}

/**
 * RFC 8461 §4.1: whether an MX host name matches one of a policy's patterns, by the one wildcard rule
 * (name-pattern.ts). Names compare as lower-case A-labels without the root dot.
 */
export function matchMx(patterns: readonly string[], mxHostname: string): boolean {
  const host = asALabel(mxHostname);
  if (host === undefined) return false;
  return patterns.some((pattern) => matchesNamePattern(pattern.toLowerCase(), host));
}

/** An MX name that is not a valid domain name matches nothing. */
function asALabel(name: string): string | undefined {
  try {
    return normalizeDomain(name);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}
