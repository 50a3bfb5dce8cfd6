/**
 * Assessments as they cross a boundary (backend → add-in, file → CLI): what is known of a recipient domain's
 * transport and of an address's OpenPGP key. Evidence beyond the verdict and its reasons belongs to the module
 * that produced it and travels as-is.
 */
import { z } from 'zod';
import { KeySource, KeyVerdict, TransportVerdict } from './vocabulary';

/** Plain sentences a sender can read ("mx2.example.org does not offer STARTTLS"). */
const Reasons = z.array(z.string().max(500)).max(50);

export const DomainAssessment = z.object({
  domain: z.string().min(1).max(253),
  verdict: TransportVerdict,
  reasons: Reasons,
  checkedAt: z.string().optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
});
export type DomainAssessment = z.infer<typeof DomainAssessment>;

export const KeyAssessment = z.object({
  address: z.string().min(3).max(320),
  verdict: KeyVerdict,
  source: KeySource.optional(),
  fingerprint: z
    .string()
    .regex(/^[0-9A-F]{40}([0-9A-F]{24})?$/, 'an upper-case hexadecimal v4 (40) or v6 (64) fingerprint')
    .optional(),
  /** For `changed`: the fingerprint the sender accepted before. */
  pinnedFingerprint: z.string().optional(),
  expires: z.string().nullable().optional(),
  algorithm: z.string().optional(),
  reasons: Reasons,
  armoredKey: z.string().max(1_000_000).optional(),
});
export type KeyAssessment = z.infer<typeof KeyAssessment>;

/** A batch of assessments, as the backend returns them and as `sendguard plan --assessments` reads them. */
export const Assessments = z.object({
  domains: z.array(DomainAssessment).max(1000),
  keys: z.array(KeyAssessment).max(5000),
});
export type Assessments = z.infer<typeof Assessments>;

/** One recipient in the answer to `POST /api/v1/assess`, as the add-ins read it. */
export const AssessedRecipient = z.object({
  input: z.string(),
  address: z.string(),
  domain: z.string(),
  internal: z.boolean(),
  /** Absent for internal recipients: their mail never leaves the organisation, so it is not checked. */
  transport: DomainAssessment.omit({ evidence: true }).optional(),
  key: KeyAssessment,
});
export type AssessedRecipient = z.infer<typeof AssessedRecipient>;

/** The answer to `POST /api/v1/assess`: the add-ins' one question per message. */
export const AssessAnswer = z.object({
  policyVersion: z.string(),
  /** Some checks did not finish within the server's deadline; their verdicts are `unknown` for now. */
  partial: z.boolean(),
  recipients: z.array(AssessedRecipient),
  invalid: z.array(z.object({ input: z.string(), reason: z.string() })),
});
export type AssessAnswer = z.infer<typeof AssessAnswer>;
