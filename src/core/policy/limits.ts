/**
 * The bounds, patterns and word lists of the policy document, shared by the zod schema in `schema.ts` (the
 * service's reading of the policy file) and the dependency-free reader in `evaluate/policy-answer.ts` (the
 * add-ins' reading of `GET /api/v1/policy`, whose send handler cannot carry zod), so both accept the same policy.
 */
export const POLICY_LIMITS = {
  organisationMax: 100,
  internalDomainsMax: 1000,
  /** A domain pattern: an A-label name (RFC 1035 §2.3.4), with room for the `*.` of a wildcard. */
  domainPatternMax: 255,
  labelMax: 60,
  preferMax: 3,
  classificationsMax: 20,
  subjectTagMax: 40,
  headerValueMax: 200,
  domainsMax: 10000,
  noteMax: 200,
  labelKeyMax: 200,
  expiryDaysMax: 365,
  minRsaBitsMin: 2048,
  minRsaBitsMax: 16384,
  armoredKeyMax: 1_000_000,
  /** The organisation's largest message: at least 64 KiB (a notice must fit), at most 2 GiB. */
  messageBytesMin: 64 * 1024,
  messageBytesMax: 2 ** 31,
  /** The default largest message: what Microsoft 365 and most providers accept. */
  messageBytesDefault: 25 * 1024 * 1024,
} as const;

/** A text pattern (linear on any input) and how to say what it wants. */
export interface TextPattern {
  pattern: RegExp;
  hint: string;
}

export const CLASSIFICATION_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export const POLICY_PATTERNS = {
  classificationName: {
    pattern: CLASSIFICATION_NAME,
    hint: 'lower-case letters, digits and hyphens, starting with a letter',
  },
  headerName: { pattern: /^X-[A-Za-z0-9-]{1,60}$/, hint: 'an X- header name' },
  headerValue: { pattern: /^[\x20-\x7e]+$/, hint: 'printable ASCII' },
} as const satisfies Record<string, TextPattern>;

export const POLICY_WORDS = {
  tagPositions: ['prefix', 'suffix'],
  trustedTransports: ['authenticated', 'encrypted'],
  backendUnreachable: ['block', 'prompt'],
} as const;

export const DETECTOR_IDS = [
  'ssn',
  'payment-card',
  'iban',
  'aba-routing',
  'bank-account',
  'drivers-licence',
  'date-of-birth',
] as const;

/**
 * The policy's `threads` section when it names none: a thread keeps its protection and may not be lowered. The
 * schema's default, and what the add-ins read from a service too old to serve the section.
 */
export const THREADS_DEFAULTS = { keepProtection: true, allowLowering: false } as const;
