/**
 * The protection vocabulary (docs/architecture.md, "The vocabulary"): each word list once, its type derived from it,
 * the few rules over them, and the name a sender reads for each protection. No library, not even zod: the send
 * handler that runs in classic Outlook's ES2016 runtime needs these and nothing heavier. Schemas that check these
 * words at a boundary build on the same lists (`z.enum(TRANSPORT_VERDICTS)`).
 */
import { capitalised } from './english';

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
export type TransportVerdict = (typeof TRANSPORT_VERDICTS)[number];

/** The worse of two transport verdicts, by the precedence in docs/architecture.md. */
export function worseTransport(a: TransportVerdict, b: TransportVerdict): TransportVerdict {
  return TRANSPORT_VERDICTS.indexOf(a) <= TRANSPORT_VERDICTS.indexOf(b) ? a : b;
}

/**
 * Verdicts under which forced TLS cannot be promised: the tag would bounce, hold, or deliver in the clear. They
 * are every verdict worse than `weak` (which still encrypts every hop).
 */
export const TRANSPORT_VERDICTS_NEVER_TLS: readonly TransportVerdict[] = TRANSPORT_VERDICTS.slice(
  0,
  TRANSPORT_VERDICTS.indexOf('weak'),
);

/** Verdicts an organisation may count as good enough for the `transport` requirement. */
export const ACCEPTABLE_TRANSPORT_VERDICTS = ['authenticated', 'encrypted', 'weak'] as const;

/**
 * Mailbox access of a recipient domain (the last mile: how its users read and send their mail), best first:
 * every advertised or recognised IMAP, POP3 and submission endpoint requires TLS before login; TLS offered but
 * plaintext login also accepted somewhere; no TLS on some endpoint users are told to use; nothing advertised or
 * recognised, or not determined in time. Evidence, not a guarantee: a provider may have endpoints nobody
 * advertises.
 */
export const MAILBOX_ACCESS_VERDICTS = ['tls-only', 'tls-offered', 'plaintext', 'unknown'] as const;
export type MailboxAccessVerdict = (typeof MAILBOX_ACCESS_VERDICTS)[number];

/** The one mailbox access a classification may require before forced TLS counts for it (`mailboxAccess`). */
export const REQUIRED_MAILBOX_ACCESS = 'tls-only' satisfies MailboxAccessVerdict;

export const KEY_VERDICTS = ['valid', 'none', 'invalid', 'changed', 'unknown'] as const;
export type KeyVerdict = (typeof KEY_VERDICTS)[number];

export const KEY_SOURCES = ['org', 'wkd', 'vks', 'dns', 'pinned'] as const;
export type KeySource = (typeof KEY_SOURCES)[number];

/** Where a recipient's OpenPGP key came from, as a sender reads it after the key ("…, from a key server"). */
export const KEY_SOURCE_NAMES: Readonly<Record<KeySource, string>> = {
  org: "from the organisation's keyring",
  wkd: "from the recipient's web key directory",
  vks: 'from a key server',
  dns: 'from DNSSEC-signed DNS',
  pinned: 'the key used before',
};

/** Ways a recipient can be served. `none` means the policy allows plain mail. */
export const PROTECTIONS = ['internal', 'tls', 'pgp', 'escrow', 'none', 'blocked'] as const;
export type Protection = (typeof PROTECTIONS)[number];

/** What a sender reads for each protection, in the middle of a sentence ("2 recipients by forced TLS"). */
export const PROTECTION_NAMES: Readonly<Record<Protection, string>> = {
  internal: 'internal',
  tls: 'forced TLS',
  pgp: 'OpenPGP',
  escrow: 'secure pickup',
  none: 'plain mail',
  blocked: 'blocked',
};

/** The same name where it starts a sentence or stands alone on a badge ("Secure pickup"). */
export function protectionTitle(protection: Protection): string {
  return capitalised(PROTECTION_NAMES[protection]);
}

/** The protections a policy can rank in its preference order: those that are applied to a message. */
export const APPLICABLE_PROTECTIONS = ['tls', 'pgp', 'escrow'] as const;
export type ApplicableProtection = (typeof APPLICABLE_PROTECTIONS)[number];

export type MessageAction = 'send' | 'tag' | 'pgp' | 'escrow' | 'split' | 'block';

/** What one body shared by all recipients must be sent with, for each protection it can carry. */
export const ACTION_FOR_PROTECTION: Record<ApplicableProtection, MessageAction> = {
  tls: 'tag',
  pgp: 'pgp',
  escrow: 'escrow',
};

/**
 * The protection a message sent whole gets under `action`, ACTION_FOR_PROTECTION read backwards (`send` is plain
 * mail); none for `split` and `block`, which send no one body.
 */
export function protectionFor(action: MessageAction): ApplicableProtection | 'none' | undefined {
  if (action === 'send') return 'none';
  return APPLICABLE_PROTECTIONS.find((protection) => ACTION_FOR_PROTECTION[protection] === action);
}

/**
 * How a secure-pickup recipient proves who they are before the server releases its secret, best first
 * (docs/escrow-protocol.md, "Recipient proofs"): a sign-in with the recipient's own identity provider, the
 * sender's passcode told by another channel, or a code mailed to the recipient. Only the first two hold against
 * someone who can read mail on the recipient's route; the mailed code is chosen only where that route is
 * verified TLS.
 */
export const RECIPIENT_PROOFS = ['sign-in', 'passcode', 'code'] as const;
export type RecipientProof = (typeof RECIPIENT_PROOFS)[number];

/** A secure-pickup message's life on the service: being uploaded, ready to open, revoked by the sender, expired. */
export const MESSAGE_STATES = ['uploading', 'ready', 'revoked', 'expired'] as const;

/** One recipient's access to a secure-pickup message (revoked on its own after too many wrong codes). */
export const RECIPIENT_STATES = ['active', 'revoked'] as const;

/** Requirements, weakest first. */
export const REQUIREMENTS = ['none', 'transport', 'transport-authenticated', 'end-to-end'] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export function strongerRequirement(a: Requirement, b: Requirement): Requirement {
  return REQUIREMENTS.indexOf(a) >= REQUIREMENTS.indexOf(b) ? a : b;
}
