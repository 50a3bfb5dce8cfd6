/**
 * Reading the service's JSON answers by hand, field by field, with the wire schema's checks: the add-ins' send
 * handler runs in a JavaScript-only runtime that cannot carry zod. A failure names where in the answer it is, for
 * the sender to read.
 */
import { SendguardError } from '../errors';
import type { TextPattern } from '../policy/limits';
import { WIRE_LIMITS as L } from './wire-limits';

export type AnswerErrorCode =
  /** Not the wire schema's shape, or a word outside the vocabulary. */
  | 'ANSWER_MALFORMED'
  /** A recipient that was asked about is neither assessed nor listed as invalid. */
  | 'ANSWER_MISSING_RECIPIENT'
  /** The answer speaks of a recipient nobody asked about. */
  | 'ANSWER_UNASKED_RECIPIENT'
  /** One recipient answered twice. */
  | 'ANSWER_DUPLICATE_RECIPIENT'
  /** One recipient's parts disagree: its transport or key is about another domain or address. */
  | 'ANSWER_INCONSISTENT';

export class AnswerError extends SendguardError {
  constructor(
    override readonly code: AnswerErrorCode,
    message: string,
    /** The recipient the problem is about, as the mail client listed it, when it is about one. */
    readonly recipient?: string,
  ) {
    super(code, message);
  }
}

export type Fields = Record<string, unknown>;

/**
 * Strings from the answer are echoed to the sender: keep them short. A list or a set of fields is shown by its
 * brackets alone: serialising it would cost as much as the whole answer (thousands of nested levels, say) only to
 * keep 80 characters.
 */
export function quote(value: unknown): string {
  return `"${typeof value === 'object' && value !== null ? brackets(value) : shortened(String(value))}"`;
}

function brackets(value: object): string {
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  for (const _key in value) return `${open}…${close}`;
  return `${open}${close}`;
}

function shortened(text: string): string {
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** Where in the answer a value sits, in words: "the answer for ann@example.org: key verdict". */
export class Place {
  constructor(
    readonly where: string,
    readonly recipient?: string,
  ) {}

  fail(problem: string): never {
    throw new AnswerError('ANSWER_MALFORMED', `${this.where}${problem}`, this.recipient);
  }

  /** Absent, or of another type than `kind`: the two read differently to the sender. */
  private wrong(value: unknown, name: string, kind: string): never {
    this.fail(value === undefined ? `${name} is missing` : `${name} ${quote(value)} is not ${kind}`);
  }

  object(value: unknown, name: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.wrong(value, name, 'a set of fields');
    return value as Fields;
  }

  string(value: unknown, name: string, min = 0, max = Number.POSITIVE_INFINITY): string {
    if (typeof value !== 'string') this.wrong(value, name, 'text');
    if (value.length < min) this.fail(`${name} ${quote(value)} is too short`);
    if (value.length > max) this.fail(`${name} is longer than ${max} characters`);
    return value;
  }

  optionalString(value: unknown, name: string, max?: number): string | undefined {
    return value === undefined ? undefined : this.string(value, name, 0, max);
  }

  /** A string the pattern (linear, from the schema) matches, after the length check. */
  matching(value: unknown, name: string, { pattern, hint }: TextPattern, max?: number): string {
    const text = this.string(value, name, 1, max);
    if (!pattern.test(text)) this.fail(`${name} ${quote(text)} is not ${hint}`);
    return text;
  }

  integer(value: unknown, name: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.wrong(value, name, 'a whole number');
    if (value < min || value > max) this.fail(`${name} ${value} is not between ${min} and ${max}`);
    return value;
  }

  boolean(value: unknown, name: string): boolean {
    if (typeof value !== 'boolean') this.wrong(value, name, 'true or false');
    return value;
  }

  word<T extends string>(value: unknown, words: readonly T[], name: string): T {
    if (!words.includes(value as T)) this.fail(`${name} ${quote(value)} is not one of ${words.join(', ')}`);
    return value as T;
  }

  list(value: unknown, name: string, max = Number.POSITIVE_INFINITY): unknown[] {
    if (!Array.isArray(value)) this.wrong(value, name, 'a list');
    if (value.length > max) this.fail(`${name} has more than ${max} entries`);
    return value;
  }

  reasons(value: unknown, name: string): string[] {
    return this.list(value, name, L.reasonsMax).map((reason) => this.string(reason, name, 0, L.reasonMax));
  }
}
