/**
 * MTA-STS (RFC 8461) as pure functions: the `_mta-sts` TXT record (§3.1), the policy file (§3.2) and MX matching
 * (§4.1). No I/O; the fetcher and the composing `getStsPolicy` live beside this file.
 */
import { DomainError, normalizeDomain } from '../../core/addresses';
import { SendguardError } from '../../core/errors';

/**
 * A versioned TXT record's reading, as a status rather than an error: RFC 8461 §3.1 and RFC 8460 §3 both say that
 * no record, several records and a malformed one all mean "the domain does not implement this".
 */
export type TxtRecordStatus<T extends object> =
  | ({ status: 'record' } & T)
  | { status: 'none' }
  | { status: 'multiple'; count: number }
  | { status: 'invalid'; reason: string };

// RFC 8461 §3.1 and RFC 8460 §3 share this grammar: `sts-sep` / `field-delim` and the extension field name.
const FIELD_SEPARATOR = /[ \t]*;[ \t]*/;
const FIELD = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31})=(.+)$/s;

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
  const fields = splitFields((candidates[0] as string).slice(version.length));
  if (typeof fields === 'string') return { status: 'invalid', reason: fields };
  const reading = readFields(fields);
  return typeof reading === 'string'
    ? { status: 'invalid', reason: reading }
    : { status: 'record', ...reading };
}

/** RFC 8461 §3.1: records that do not begin with "v=STSv1;" are discarded (the ABNF allows WSP before the `;`). */
function startsWithVersion(text: string, version: string): boolean {
  return text.startsWith(version) && /^[ \t]*;/.test(text.slice(version.length));
}

/** `1*(sep field) [sep]` after the version: fields by name, or why the syntax is wrong. */
function splitFields(rest: string): Map<string, string> | string {
  const parts = rest.split(FIELD_SEPARATOR).slice(1);
  if (parts.at(-1) === '') parts.pop();
  if (parts.length === 0) return 'the record has no fields after the version';
  const fields = new Map<string, string>();
  for (const part of parts) {
    const match = FIELD.exec(part);
    if (match === null) return `"${part}" is not a name=value field`;
    const [, name, value] = match as unknown as [string, string, string];
    if (!fields.has(name)) fields.set(name, value);
  }
  return fields;
}

const STS_ID = /^[A-Za-z0-9]{1,32}$/;

/** RFC 8461 §3.1: the `_mta-sts` TXT record. Extension fields are ignored. */
export function parseStsRecord(txtRecords: readonly (readonly string[])[]): TxtRecordStatus<{ id: string }> {
  return parseVersionedTxtRecord(txtRecords, 'v=STSv1', (fields) => {
    const id = fields.get('id');
    if (id === undefined) return 'the record has no id';
    if (!STS_ID.test(id)) return `id "${id}" is not 1 to 32 letters and digits`;
    return { id };
  });
}

export type StsMode = 'enforce' | 'testing' | 'none';

export interface StsPolicy {
  version: 'STSv1';
  mode: StsMode;
  /** Seconds the policy may be cached, 0..31557600. */
  maxAge: number;
  /** Lower-case A-label patterns, a `*.` prefix standing for one label; empty only in mode `none`. */
  mx: string[];
}

/** Which rule of RFC 8461 §3.2 a policy broke. */
export type StsPolicyRule = 'version' | 'mode' | 'max_age' | 'mx';

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
// `sts-policy-ext-name field-delim value *WSP`: the name is case-sensitive and the colon follows it directly.
const POLICY_LINE = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,31}):[ \t]*(.*?)[ \t]*$/;
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

function policyFields(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const match = POLICY_LINE.exec(line);
    if (match === null) continue;
    const [, key, value] = match as unknown as [string, string, string];
    const values = fields.get(key);
    if (values === undefined) fields.set(key, [value]);
    else if (key === 'mx') values.push(value);
  }
  return fields;
}

function fieldProblem(field: string, value: string | undefined, rule: string): string {
  return value === undefined ? `the policy has no ${field}` : `${field} "${value}" ${rule}`;
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
  const invalid = values.find((value) => !MX_PATTERN.test(value));
  if (invalid !== undefined) {
    throw new StsPolicyError(
      'mx',
      fieldProblem('mx', invalid, 'is not a host name or a "*." wildcard (A-labels only)'),
    );
  }
  return [...new Set(values.map((value) => value.toLowerCase()))];
}

/**
 * RFC 8461 §4.1: whether an MX host name matches one of a policy's patterns. Names compare as lower-case A-labels
 * without the root dot; `*.example.com` stands for exactly one left-most label, so it matches `mx.example.com`
 * but neither `example.com` nor `a.b.example.com`.
 */
export function matchMx(patterns: readonly string[], mxHostname: string): boolean {
  const host = asALabel(mxHostname);
  if (host === undefined) return false;
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    if (!pattern.startsWith('*.')) return host === pattern;
    const suffix = pattern.slice(1);
    const label = host.slice(0, -suffix.length);
    return host.endsWith(suffix) && label !== '' && !label.includes('.');
  });
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
