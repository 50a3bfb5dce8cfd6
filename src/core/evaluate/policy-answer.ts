/**
 * The answer to `GET /api/v1/policy`, `{ version, policy }`, read the way the service's policy schema
 * (`policy/schema.ts`) reads the policy file: every field's type, bounds, pattern and word, and the cross-checks
 * (names defined once, referred names defined, no forced TLS for end-to-end). Hand-written over the shared bounds
 * in `policy/limits.ts` because the send handler cannot carry zod. A policy with a wrong-typed field is refused,
 * never half-read: `onSend.allowOverride: "no"` must not turn on "send anyway".
 */
import type { SignedStatement, VerdictTrust } from '../signed/statement';
import type { ClassificationPolicy, DomainOverride, Policy } from '../policy/schema';
import { formatPath, policyProblems } from '../policy/rules';
import {
  DETECTOR_IDS,
  POLICY_LIMITS as L,
  POLICY_PATTERNS as P,
  POLICY_WORDS as W,
  THREADS_DEFAULTS,
} from '../policy/limits';
import {
  ACCEPTABLE_TRANSPORT_VERDICTS,
  APPLICABLE_PROTECTIONS,
  RECIPIENT_PROOFS,
  REQUIRED_MAILBOX_ACCESS,
  REQUIREMENTS,
  TRANSPORT_VERDICTS,
} from '../vocabulary';
import { FINGERPRINT_HINT, FINGERPRINT_PATTERN } from '../fingerprint';
import { type Fields, Place, quote } from './fields';
import { DURATION, durationMs, MAX_VERDICT_AGE_MS, OUTAGE_DEFAULTS } from '../policy/duration';
import { readSigned } from './signed';
import { SIGNED_LIMITS } from '../signed/statement';

export interface PolicyAnswer {
  version: string;
  policy: Policy;
  /** The same, signed by the deployment's verdict key, from a service that signs (core/signed/statement.ts). */
  signed?: SignedStatement;
  /** The verdict key and deployment the service signs with, for an add-in to pin when it is set up. */
  verdictKey?: VerdictTrust;
}

const name = (value: unknown, what: string, at: Place) => at.matching(value, what, P.classificationName);

/**
 * Only the length: the schema's DomainPattern also normalises the name to a lower-case A-label (UTS #46, which
 * needs tr46, too large for the send handler) and refuses a name that is not one. The reader does not re-check
 * that syntax: the service serves the policy after its schema has normalised every domain.
 */
const domainPattern = (value: unknown, at: Place) => at.string(value, 'a domain', 1, L.domainPatternMax);

function readClassification(value: unknown, index: number): ClassificationPolicy {
  const at = new Place(`the policy: classification ${index + 1}: `);
  const fields = at.object(value, 'the classification');
  const label = fields.label === undefined ? undefined : at.string(fields.label, 'the label', 1, L.labelMax);
  const prefer = at.list(fields.prefer, 'the preferred protections', L.preferMax);
  if (prefer.length === 0) at.fail('the preferred protections are empty');
  const mailboxAccess =
    fields.mailboxAccess === undefined
      ? undefined
      : at.word(fields.mailboxAccess, [REQUIRED_MAILBOX_ACCESS], 'the mailbox access it requires');
  return {
    name: name(fields.name, 'the name', at),
    ...(label !== undefined ? { label } : {}),
    requirement: at.word(fields.requirement, REQUIREMENTS, 'the requirement'),
    prefer: prefer.map((p) => at.word(p, APPLICABLE_PROTECTIONS, 'the preferred protection')),
    ...(mailboxAccess !== undefined ? { mailboxAccess } : {}),
  };
}

function readTag(value: unknown, at: Place): Policy['tag'] {
  const fields = at.object(value, 'the tag');
  const subject = fields.subject === undefined ? undefined : at.object(fields.subject, 'the subject tag');
  const header = fields.header === undefined ? undefined : at.object(fields.header, 'the tag header');
  if (!subject && !header) at.fail('the tag has neither a subject tag nor a header');
  return {
    ...(subject
      ? {
          subject: {
            text: at.string(subject.text, 'the subject tag', 1, L.subjectTagMax),
            position: at.word(subject.position, W.tagPositions, 'the subject tag position'),
          },
        }
      : {}),
    ...(header
      ? {
          header: {
            name: at.matching(header.name, 'the tag header name', P.headerName),
            value: at.matching(header.value, 'the tag header value', P.headerValue, L.headerValueMax),
          },
        }
      : {}),
  };
}

function readDomainOverride(value: unknown, index: number): DomainOverride {
  const at = new Place(`the policy: domain rule ${index + 1}: `);
  const fields = at.object(value, 'the rule');
  const trust = fields.trustTransport;
  const requirement = fields.requirement;
  const note = at.optionalString(fields.note, 'the note', L.noteMax);
  return {
    domain: domainPattern(fields.domain, at),
    ...(trust !== undefined
      ? { trustTransport: at.word(trust, W.trustedTransports, 'the trusted transport') }
      : {}),
    ...(requirement !== undefined
      ? { requirement: at.word(requirement, REQUIREMENTS, 'the requirement') }
      : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/** A record whose values are classification names; keys are read by `key`. */
function readNames<K extends string>(
  value: unknown,
  what: string,
  key: (k: string) => K,
): Partial<Record<K, string>> {
  const at = new Place(`the policy: ${what}: `);
  const fields = at.object(value, what);
  const names: Partial<Record<K, string>> = {};
  for (const k of Object.keys(fields))
    names[key(k)] = name(fields[k], `the classification for ${quote(k)}`, at);
  return names;
}

function readComplianceKey(value: unknown, at: Place): Policy['complianceKey'] {
  if (value === undefined) return undefined;
  const fields = at.object(value, 'the compliance key');
  const armoredKey = at.optionalString(fields.armoredKey, 'the compliance key', L.armoredKeyMax);
  return {
    fingerprint: at.matching(fields.fingerprint, 'the compliance key fingerprint', {
      pattern: FINGERPRINT_PATTERN,
      hint: FINGERPRINT_HINT,
    }),
    ...(armoredKey !== undefined ? { armoredKey } : {}),
  };
}

/**
 * Secure pickup's proofs per classification and the routes a mailed code may cross. A service older than these
 * settings serves neither: each then reads as the schema's default, as the service itself would read its file.
 */
function readProofs(escrow: Fields, at: Place): Pick<Policy['escrow'], 'proofs' | 'codeTransport'> {
  const proofs: Policy['escrow']['proofs'] = {};
  if (escrow.proofs !== undefined) {
    const byName = at.object(escrow.proofs, 'escrow.proofs');
    for (const key of Object.keys(byName)) {
      const what = `escrow.proofs for ${quote(key)}`;
      const list = at.list(byName[key], what);
      if (list.length === 0) at.fail(`${what} is empty`);
      proofs[name(key, 'a classification in escrow.proofs', at)] = list.map((p) =>
        at.word(p, RECIPIENT_PROOFS, what),
      );
    }
  }
  if (escrow.codeTransport === undefined) return { proofs, codeTransport: ['authenticated'] };
  const codeTransport = at.list(escrow.codeTransport, 'escrow.codeTransport');
  if (codeTransport.length === 0) at.fail('escrow.codeTransport is empty');
  return {
    proofs,
    codeTransport: codeTransport.map((v) => at.word(v, TRANSPORT_VERDICTS, 'escrow.codeTransport')),
  };
}

/** The service's escrow limit, which a service older than it does not serve: then none is known. */
function readEscrowLimit(escrow: Fields, at: Place): Pick<Policy['escrow'], 'maxMessageBytes'> {
  if (escrow.maxMessageBytes === undefined) return {};
  return {
    maxMessageBytes: at.integer(escrow.maxMessageBytes, 'escrow.maxMessageBytes', 1, Number.MAX_SAFE_INTEGER),
  };
}

/** The organisation's message size limit; a service older than it serves none, which reads as the default. */
function readLimits(value: unknown, at: Place): Policy['limits'] {
  if (value === undefined) return { messageBytes: L.messageBytesDefault };
  const limits = at.object(value, 'the limits section');
  return {
    messageBytes: at.integer(
      limits.messageBytes,
      'limits.messageBytes',
      L.messageBytesMin,
      L.messageBytesMax,
    ),
  };
}

/** How old kept verdicts may be to decide from in an outage; a service older than it serves none: the default. */
function readOutage(value: unknown, at: Place): Policy['outage'] {
  if (value === undefined) return { ...OUTAGE_DEFAULTS };
  const outage = at.object(value, 'the outage section');
  const maxVerdictAge = at.matching(outage.maxVerdictAge, 'outage.maxVerdictAge', DURATION, 5);
  if (durationMs(maxVerdictAge) > MAX_VERDICT_AGE_MS) at.fail('outage.maxVerdictAge is over 30 days');
  return { maxVerdictAge };
}

function readSections(
  fields: Fields,
  at: Place,
): Pick<Policy, 'transport' | 'escrow' | 'limits' | 'onSend' | 'keys' | 'outage'> {
  const transport = at.object(fields.transport, 'the transport section');
  const escrow = at.object(fields.escrow, 'the escrow section');
  const onSend = at.object(fields.onSend, 'the onSend section');
  const keys = at.object(fields.keys, 'the keys section');
  const acceptable = at.list(transport.acceptable, 'transport.acceptable');
  if (acceptable.length === 0) at.fail('transport.acceptable is empty');
  return {
    transport: {
      acceptable: acceptable.map((v) => at.word(v, ACCEPTABLE_TRANSPORT_VERDICTS, 'transport.acceptable')),
    },
    escrow: {
      enabled: at.boolean(escrow.enabled, 'escrow.enabled'),
      expiryDays: at.integer(escrow.expiryDays, 'escrow.expiryDays', 1, L.expiryDaysMax),
      ...readProofs(escrow, at),
      ...readEscrowLimit(escrow, at),
    },
    limits: readLimits(fields.limits, at),
    outage: readOutage(fields.outage, at),
    onSend: {
      backendUnreachable: at.word(
        onSend.backendUnreachable,
        W.backendUnreachable,
        'onSend.backendUnreachable',
      ),
      allowOverride: at.boolean(onSend.allowOverride, 'onSend.allowOverride'),
    },
    keys: {
      minRsaBits: at.integer(keys.minRsaBits, 'keys.minRsaBits', L.minRsaBitsMin, L.minRsaBitsMax),
      allowLegacyAlgorithms: at.boolean(keys.allowLegacyAlgorithms, 'keys.allowLegacyAlgorithms'),
    },
  };
}

function readVerdictKey(value: unknown, at: Place): VerdictTrust {
  const fields = at.object(value, 'the verdict key');
  return {
    publicKey: at.string(fields.publicKey, 'the verdict key', 1, SIGNED_LIMITS.publicKeyMax),
    deployment: at.string(fields.deployment, 'the deployment', 1, SIGNED_LIMITS.deploymentMax),
  };
}

/**
 * Whether a thread keeps its protection; a service older than the setting serves none, which reads as the
 * schema's default (kept, not lowered): the add-in never learns less protection from an older service.
 */
function readThreads(value: unknown, at: Place): Policy['threads'] {
  if (value === undefined) return { ...THREADS_DEFAULTS };
  const threads = at.object(value, 'the threads section');
  const encrypted = threads.encryptedClassification;
  return {
    keepProtection: at.boolean(threads.keepProtection, 'threads.keepProtection'),
    allowLowering: at.boolean(threads.allowLowering, 'threads.allowLowering'),
    ...(encrypted !== undefined
      ? { encryptedClassification: name(encrypted, 'threads.encryptedClassification', at) }
      : {}),
  };
}

/** The policy answer as the service's schema reads it; unknown fields dropped; throws AnswerError. */
export function readPolicyAnswer(body: unknown): PolicyAnswer {
  const at = new Place('the policy: ');
  const answer = at.object(body, 'the answer');
  const fields = at.object(answer.policy, 'the policy');
  if (fields.schema !== 1) at.fail(`the schema ${quote(fields.schema)} is not 1`);
  const classifications = at.list(fields.classifications, 'the classifications', L.classificationsMax);
  if (classifications.length === 0) at.fail('the classifications are empty');
  const complianceKey = readComplianceKey(fields.complianceKey, at);
  const policy: Policy = {
    schema: 1,
    organisation: at.string(fields.organisation, 'the organisation', 1, L.organisationMax),
    internalDomains: at
      .list(fields.internalDomains, 'the internal domains', L.internalDomainsMax)
      .map((d) => domainPattern(d, at)),
    tag: readTag(fields.tag, at),
    classifications: classifications.map(readClassification),
    defaultClassification: name(fields.defaultClassification, 'the default classification', at),
    domains: at.list(fields.domains, 'the domain rules', L.domainsMax).map(readDomainOverride),
    detectors: readNames(fields.detectors, 'the detectors', (k) => at.word(k, DETECTOR_IDS, 'the detector')),
    labels: readNames(fields.labels, 'the labels', (k) =>
      at.string(k, 'the label', 1, L.labelKeyMax),
    ) as Record<string, string>,
    ...readSections(fields, at),
    threads: readThreads(fields.threads, at),
    ...(complianceKey !== undefined ? { complianceKey } : {}),
  };
  const [problem] = policyProblems(policy);
  if (problem) at.fail(`${formatPath(problem.path)}: ${problem.message}`);
  const signed =
    answer.signed === undefined ? undefined : readSigned(answer.signed, at, SIGNED_LIMITS.policyPayloadMax);
  const verdictKey = answer.verdictKey === undefined ? undefined : readVerdictKey(answer.verdictKey, at);
  return {
    version: at.string(answer.version, 'the policy version'),
    policy,
    ...(signed ? { signed } : {}),
    ...(verdictKey ? { verdictKey } : {}),
  };
}
