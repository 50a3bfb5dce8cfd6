/**
 * Assessments as they cross a boundary (backend → add-in, file → CLI): what is known of a recipient domain's
 * transport and of an address's OpenPGP key. Evidence beyond the verdict and its reasons belongs to the module
 * that produced it and travels as-is.
 */
import { z } from 'zod';
import { WIRE_LIMITS as L } from './evaluate/wire-limits';
import { SignInProvider } from './escrow/wire';
import { FINGERPRINT_HINT, FINGERPRINT_PATTERN } from './fingerprint';
import { KEY_SOURCES, KEY_VERDICTS, MAILBOX_ACCESS_VERDICTS, TRANSPORT_VERDICTS } from './vocabulary';
import { SIGNED_LIMITS } from './signed/statement';

/** Plain sentences a sender can read ("mx2.example.org does not offer STARTTLS"). */
/** A key fingerprint wherever one is read: an assessment, the policy's compliance key, an admin's pin. */
export const Fingerprint = z.string().regex(FINGERPRINT_PATTERN, FINGERPRINT_HINT);

const Reasons = z.array(z.string().max(L.reasonMax)).max(L.reasonsMax);

/** How a recipient domain's users reach their mailboxes (the last mile), and why; evidence stays in the report. */
export const MailboxAccessAssessment = z.object({
  verdict: z.enum(MAILBOX_ACCESS_VERDICTS),
  reasons: Reasons,
  checkedAt: z.string().optional(),
  /** The full report's evidence (endpoints and how each was found and probed): `GET /domains/:domain` only. */
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type MailboxAccessAssessment = z.infer<typeof MailboxAccessAssessment>;

export const DomainAssessment = z.object({
  domain: z.string().min(1).max(L.domainMax),
  verdict: z.enum(TRANSPORT_VERDICTS),
  reasons: Reasons,
  checkedAt: z.string().optional(),
  /** Absent where it was not asked for, or not known yet: the plan then takes it as `unknown`. */
  mailboxAccess: MailboxAccessAssessment.optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type DomainAssessment = z.infer<typeof DomainAssessment>;

export const KeyAssessment = z.object({
  address: z.string().min(L.addressMin).max(L.addressMax),
  verdict: z.enum(KEY_VERDICTS),
  source: z.enum(KEY_SOURCES).optional(),
  fingerprint: Fingerprint.optional(),
  /** For `changed`: the fingerprint the sender accepted before. */
  pinnedFingerprint: z.string().optional(),
  expires: z.string().nullable().optional(),
  algorithm: z.string().optional(),
  reasons: Reasons,
  armoredKey: z.string().max(L.armoredKeyMax).optional(),
});
export type KeyAssessment = z.infer<typeof KeyAssessment>;

/** An address and the identity provider it can sign in with for secure pickup (the assess answer's `signIn`). */
export const SignInAssessment = SignInProvider.extend({
  address: z.string().min(L.addressMin).max(L.addressMax),
});
export type SignInAssessment = z.infer<typeof SignInAssessment>;

/** A batch of assessments, as the backend returns them and as `sendguard plan --assessments` reads them. */
export const Assessments = z.object({
  domains: z.array(DomainAssessment).max(L.domainsMax),
  keys: z.array(KeyAssessment).max(L.keysMax),
  /** The recipients that can sign in for secure pickup; an address not listed has no known provider. */
  signIn: z.array(SignInAssessment).max(L.keysMax).optional(),
});
export type Assessments = z.infer<typeof Assessments>;

/** A domain's transport as the assess answer gives it: the verdict and why, without the report's evidence. */
const TransportSummary = DomainAssessment.omit({ evidence: true }).extend({
  mailboxAccess: MailboxAccessAssessment.omit({ evidence: true }).optional(),
});

/** One recipient in the answer to `POST /api/v1/assess`, as the add-ins read it. */
export const AssessedRecipient = z.object({
  input: z.string(),
  address: z.string(),
  domain: z.string(),
  internal: z.boolean(),
  /** Absent for internal recipients: their mail never leaves the organisation, so it is not checked. */
  transport: TransportSummary.optional(),
  key: KeyAssessment,
  /**
   * How this recipient could prove who they are for secure pickup beyond a mailed code: the identity provider
   * they can sign in with, when one is known for their domain (configured, built in, or discovered).
   */
  signIn: SignInProvider.optional(),
});
export type AssessedRecipient = z.infer<typeof AssessedRecipient>;

/** A statement the service signed (signed/statement.ts): its JSON text and the Ed25519 signature over it. */
export const SignedStatement = z.object({
  payload: z.string().max(SIGNED_LIMITS.policyPayloadMax),
  signature: z.string().max(SIGNED_LIMITS.signatureMax),
});

/**
 * The answer to `POST /api/v1/assess`: the add-ins' one question per message. The add-ins read it with
 * `readAssessAnswer` (evaluate/answer.ts), which accepts exactly what this schema accepts, without zod.
 */
export const AssessAnswer = z.object({
  policyVersion: z.string(),
  /** Some checks did not finish within the server's deadline; their verdicts are `unknown` for now. */
  partial: z.boolean(),
  recipients: z.array(AssessedRecipient),
  invalid: z.array(z.object({ input: z.string(), reason: z.string() })),
  /**
   * With a `sender` in the request: how replies reach the sender, the inbound transport of their own domain
   * (checked though it is internal). Absent without one, or when it is not an address.
   */
  replyPath: TransportSummary.omit({ mailboxAccess: true }).optional(),
  /**
   * Each recipient's verdicts signed by the deployment's verdict key, in the order of `recipients`, which an add-in
   * keeps to decide from while the service cannot be reached. Absent from a service that does not sign.
   */
  signed: z
    .array(SignedStatement.extend({ payload: z.string().max(SIGNED_LIMITS.verdictPayloadMax) }))
    .optional(),
});
export type AssessAnswer = z.infer<typeof AssessAnswer>;
