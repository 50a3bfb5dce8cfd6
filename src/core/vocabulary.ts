/**
 * The protection vocabulary of DESIGN.md, as runtime schemas and the types inferred from them.
 * Code, API, CLI and UI use exactly these words; anything crossing a boundary is validated against them.
 */
import { z } from 'zod';

/** Transport verdict for a recipient domain, listed from worst to best (the precedence when MX disagree). */
export const TRANSPORT_VERDICTS = [
  'no-mail',
  'unknown',
  'broken',
  'none',
  'partial',
  'weak',
  'encrypted',
  'authenticated',
] as const;
export const TransportVerdict = z.enum(TRANSPORT_VERDICTS);
export type TransportVerdict = z.infer<typeof TransportVerdict>;

/** The worse of two transport verdicts, by DESIGN.md's precedence. */
export function worseTransport(a: TransportVerdict, b: TransportVerdict): TransportVerdict {
  return TRANSPORT_VERDICTS.indexOf(a) <= TRANSPORT_VERDICTS.indexOf(b) ? a : b;
}

/** Verdicts under which forced TLS cannot be promised: the tag would bounce, hold, or deliver in the clear. */
export const TRANSPORT_VERDICTS_NEVER_TLS: readonly TransportVerdict[] = [
  'no-mail',
  'unknown',
  'broken',
  'none',
  'partial',
];

/** Verdicts an organisation may count as good enough for the `transport` requirement. */
export const TransportVerdictAcceptable = z.enum(['authenticated', 'encrypted', 'weak']);

export const KEY_VERDICTS = ['valid', 'none', 'invalid', 'changed', 'unknown'] as const;
export const KeyVerdict = z.enum(KEY_VERDICTS);
export type KeyVerdict = z.infer<typeof KeyVerdict>;

export const KEY_SOURCES = ['org', 'wkd', 'vks', 'dns', 'pinned'] as const;
export const KeySource = z.enum(KEY_SOURCES);
export type KeySource = z.infer<typeof KeySource>;

/** Ways a recipient can be served. `none` means the policy allows plain mail. */
export const PROTECTIONS = ['internal', 'tls', 'pgp', 'escrow', 'none', 'blocked'] as const;
export const Protection = z.enum(PROTECTIONS);
export type Protection = z.infer<typeof Protection>;

/** The protections a policy can rank in its preference order: those that are applied to a message. */
export const ApplicableProtection = z.enum(['tls', 'pgp', 'escrow']);
export type ApplicableProtection = z.infer<typeof ApplicableProtection>;

export const MESSAGE_ACTIONS = ['send', 'tag', 'pgp', 'escrow', 'split', 'block'] as const;
export const MessageAction = z.enum(MESSAGE_ACTIONS);
export type MessageAction = z.infer<typeof MessageAction>;

/** What one body shared by all recipients must be sent with, for each protection it can carry. */
export const ACTION_FOR_PROTECTION: Record<ApplicableProtection, MessageAction> = {
  tls: 'tag',
  pgp: 'pgp',
  escrow: 'escrow',
};

/** Requirements, weakest first. */
export const REQUIREMENTS = ['none', 'transport', 'transport-authenticated', 'end-to-end'] as const;
export const Requirement = z.enum(REQUIREMENTS);
export type Requirement = z.infer<typeof Requirement>;

export function strongerRequirement(a: Requirement, b: Requirement): Requirement {
  return REQUIREMENTS.indexOf(a) >= REQUIREMENTS.indexOf(b) ? a : b;
}
