/**
 * The organisation's policy document. Every field is documented in docs/policy.md; unknown keys are refused so
 * that a misspelt setting is an error rather than a silently ignored wish.
 */
import { z } from 'zod';
import {
  ACCEPTABLE_TRANSPORT_VERDICTS,
  APPLICABLE_PROTECTIONS,
  RECIPIENT_PROOFS,
  REQUIRED_MAILBOX_ACCESS,
  REQUIREMENTS,
  TRANSPORT_VERDICTS,
} from '../vocabulary';
import { normalizeDomain } from '../addresses';
import { Fingerprint } from '../wire';
import {
  DETECTOR_IDS,
  POLICY_LIMITS as L,
  POLICY_PATTERNS as P,
  POLICY_WORDS as W,
  THREADS_DEFAULTS,
} from './limits';
import { policyProblems } from './rules';
import { DURATION, durationMs, MAX_VERDICT_AGE_MS, OUTAGE_DEFAULTS } from './duration';

/** `example.org` matches that domain only; `*.example.org` matches every sub-domain of it, at any depth. */
const DomainPattern = z.string().transform((value, ctx) => {
  const wildcard = value.startsWith('*.');
  try {
    const domain = normalizeDomain(wildcard ? value.slice(2) : value);
    return wildcard ? `*.${domain}` : domain;
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

const RequirementWord = z.enum(REQUIREMENTS);

const ClassificationName = z.string().regex(P.classificationName.pattern, P.classificationName.hint);

const Classification = z.strictObject({
  name: ClassificationName,
  /** What the sender sees; the name is used when absent. */
  label: z.string().min(1).max(L.labelMax).optional(),
  requirement: RequirementWord,
  /** The protections to try, best first; the first one every recipient allows is applied to the message. */
  prefer: z.array(z.enum(APPLICABLE_PROTECTIONS)).min(1).max(L.preferMax),
  /**
   * `tls-only`: forced TLS serves a recipient of this classification only where every endpoint their domain's
   * users are told to read and send mail through requires TLS before login (the last mile); absent, it is not
   * asked. Internal recipients are never held to it.
   */
  mailboxAccess: z.literal(REQUIRED_MAILBOX_ACCESS).optional(),
});

const SubjectTag = z.strictObject({
  text: z.string().min(1).max(L.subjectTagMax),
  position: z.enum(W.tagPositions).default('prefix'),
});

const HeaderTag = z.strictObject({
  name: z.string().regex(P.headerName.pattern, P.headerName.hint),
  value: z.string().min(1).max(L.headerValueMax).regex(P.headerValue.pattern, P.headerValue.hint),
});

export const DomainOverride = z.strictObject({
  domain: DomainPattern,
  /**
   * The admin vouches for the route to this domain (a gateway rule enforcing verified TLS to a partner), so it
   * counts as this verdict whatever the check finds — except `no-mail`, which no rule can deliver to.
   */
  trustTransport: z.enum(W.trustedTransports).optional(),
  /** A floor: messages to this domain need at least this, whatever their classification. */
  requirement: RequirementWord.optional(),
  /** Why, shown to the sender as the reason. */
  note: z.string().max(L.noteMax).optional(),
});

/**
 * The service's limit on one secure message's ciphertext is served with the policy (`escrow.maxMessageBytes`, see
 * `Policy`) but set in the service's configuration: written in the policy file it would be replaced without a word,
 * so the file refuses it and says where it belongs.
 */
const SERVED_ONLY = 'maxMessageBytes';

function servedOnly(issue: { code?: string; keys?: readonly PropertyKey[] }): string | undefined {
  if (issue.code !== 'unrecognized_keys' || !issue.keys?.includes(SERVED_ONLY)) return undefined;
  const others = issue.keys.filter((key) => key !== SERVED_ONLY).map(String);
  return `maxMessageBytes is the service's, not the policy's: set escrow.maxMessageBytes in the service configuration, which serves it with the policy${others.length > 0 ? `; unrecognized: ${others.join(', ')}` : ''}`;
}

/**
 * A reply to or a forward of a message that arrived protected (OpenPGP-encrypted, by secure pickup, or carrying the
 * organisation's classification header) starts at least at that message's classification.
 */
const Threads = z
  .strictObject({
    /** Whether a thread keeps its protection at all. */
    keepProtection: z.boolean().default(true),
    /** Whether the sender may choose a lower classification than the thread's, as an explicit, recorded choice. */
    allowLowering: z.boolean().default(false),
    /**
     * The classification a thread that was OpenPGP-encrypted or came by secure pickup starts at; absent, the
     * weakest classification that requires end-to-end protection (the strongest one when none does).
     */
    encryptedClassification: ClassificationName.optional(),
  })
  .default({ ...THREADS_DEFAULTS });

export const DetectorId = z.enum(DETECTOR_IDS);
export type DetectorId = z.infer<typeof DetectorId>;

export const PolicySchema = z
  .strictObject({
    /** The document's format version; only 1 exists. */
    schema: z.literal(1),
    organisation: z.string().min(1).max(L.organisationMax),
    internalDomains: z.array(DomainPattern).max(L.internalDomainsMax).default([]),
    tag: z
      .strictObject({ subject: SubjectTag.optional(), header: HeaderTag.optional() })
      .refine((tag) => tag.subject || tag.header, 'give a subject tag, a header, or both'),
    /** Weakest first: detectors and labels raise a message's classification, never lower it. */
    classifications: z.array(Classification).min(1).max(L.classificationsMax),
    defaultClassification: ClassificationName,
    transport: z
      .strictObject({
        /** Domain verdicts that satisfy the `transport` requirement. `transport-authenticated` needs `authenticated`. */
        acceptable: z
          .array(z.enum(ACCEPTABLE_TRANSPORT_VERDICTS))
          .min(1)
          .default(['authenticated', 'encrypted']),
      })
      .default({ acceptable: ['authenticated', 'encrypted'] }),
    domains: z.array(DomainOverride).max(L.domainsMax).default([]),
    detectors: z.partialRecord(DetectorId, ClassificationName).default({}),
    /** Sensitivity label (id or name, as the host reports it) → classification. */
    labels: z.record(z.string().min(1).max(L.labelKeyMax), ClassificationName).default({}),
    escrow: z
      .strictObject(
        {
          enabled: z.boolean(),
          expiryDays: z.number().int().min(1).max(L.expiryDaysMax).default(30),
          /**
           * The recipient proofs each classification accepts (best first: sign-in, passcode, code); a classification
           * not named accepts all three. When none is possible for a recipient, secure pickup is not offered to them.
           */
          proofs: z.record(ClassificationName, z.array(z.enum(RECIPIENT_PROOFS)).min(1)).default({}),
          /**
           * The recipient domain's transport verdicts over which a mailed code may be the proof: by default only
           * `authenticated`, so that the code crosses verified TLS and not the route an eavesdropper reads.
           */
          codeTransport: z.array(z.enum(TRANSPORT_VERDICTS)).min(1).default(['authenticated']),
        },
        { error: servedOnly },
      )
      .default({ enabled: true, expiryDays: 30, proofs: {}, codeTransport: ['authenticated'] }),
    limits: z
      .strictObject({
        /** The largest message the organisation's mail system sends, in bytes as it leaves (MIME, encoded). */
        messageBytes: z
          .number()
          .int()
          .min(L.messageBytesMin)
          .max(L.messageBytesMax)
          .default(L.messageBytesDefault),
      })
      .default({ messageBytes: L.messageBytesDefault }),
    onSend: z
      .strictObject({
        /** What the send check does when it cannot get an answer: stop the message, or let the sender decide. */
        backendUnreachable: z.enum(W.backendUnreachable).default('block'),
        /** Whether a sender may send a message the plan would block, after confirming. */
        allowOverride: z.boolean().default(false),
      })
      .default({ backendUnreachable: 'block', allowOverride: false }),
    outage: z
      .strictObject({
        /**
         * How old the signed verdicts an add-in kept may be for it to decide from them while the service cannot be
         * reached (`send` and `tag` plans only); `0` turns this off.
         */
        maxVerdictAge: z
          .string()
          .regex(DURATION.pattern, DURATION.hint)
          .refine((text) => durationMs(text) <= MAX_VERDICT_AGE_MS, 'at most 30 days (30d)')
          .default(OUTAGE_DEFAULTS.maxVerdictAge),
      })
      .default({ ...OUTAGE_DEFAULTS }),
    threads: Threads,
    keys: z
      .strictObject({
        minRsaBits: z.number().int().min(L.minRsaBitsMin).max(L.minRsaBitsMax).default(2048),
        /** DSA, ElGamal and v3 keys; off unless an admin needs them for a legacy partner. */
        allowLegacyAlgorithms: z.boolean().default(false),
      })
      .default({ minRsaBits: 2048, allowLegacyAlgorithms: false }),
    /** Every OpenPGP message is also encrypted to this key (archiving, e-discovery). */
    complianceKey: z
      .strictObject({
        fingerprint: Fingerprint,
        armoredKey: z.string().max(L.armoredKeyMax).optional(),
      })
      .optional(),
  })
  .superRefine((policy, ctx) => {
    for (const { path, message } of policyProblems(policy)) ctx.addIssue({ code: 'custom', path, message });
  });

/** The policy as the file holds it, once validated. */
export type PolicyFile = z.infer<typeof PolicySchema>;

/**
 * The policy as the service serves it and the add-ins read it: the file's, with the service's own limit on one
 * secure message's ciphertext (its escrow configuration's `maxMessageBytes`), so that the pane can name a message
 * too large for secure pickup before it uploads anything. Absent from a service older than it.
 */
export type Policy = PolicyFile & { escrow: { maxMessageBytes?: number } };
export type PolicyInput = z.input<typeof PolicySchema>;
export type ClassificationPolicy = Policy['classifications'][number];
export type DomainOverride = Policy['domains'][number];
