/**
 * The answer to `GET /api/v1/policy`, `{ version, policy }`, read the way the service's policy schema
 * (`policy/schema.ts`) reads the policy file: every field's type, bounds, pattern and word, and the cross-checks
 * (names defined once, referred names defined, no forced TLS for end-to-end). Hand-written over the shared bounds
 * in `policy/limits.ts` because the send handler cannot carry zod. A policy with a wrong-typed field is refused,
 * never half-read: `onSend.allowOverride: "no"` must not turn on "send anyway".
 */
import type { ClassificationPolicy, DomainOverride, Policy } from '../policy/schema';
import { DETECTOR_IDS, POLICY_LIMITS as L, POLICY_PATTERNS as P, POLICY_WORDS as W } from '../policy/limits';
import { ACCEPTABLE_TRANSPORT_VERDICTS, APPLICABLE_PROTECTIONS, REQUIREMENTS } from '../vocabulary';
import { FINGERPRINT_HINT, FINGERPRINT_PATTERN } from '../fingerprint';
import { type Fields, Place, quote } from './fields';

export interface PolicyAnswer {
  version: string;
  policy: Policy;
}

const name = (value: unknown, what: string, at: Place) => at.matching(value, what, P.classificationName);

const domainPattern = (value: unknown, at: Place) => at.string(value, 'a domain', 1, L.domainPatternMax);

function readClassification(value: unknown, index: number): ClassificationPolicy {
  const at = new Place(`the policy: classification ${index + 1}: `);
  const fields = at.object(value, 'the classification');
  const label = at.optionalString(fields.label, 'the label', L.labelMax);
  const prefer = at.list(fields.prefer, 'the preferred protections', L.preferMax);
  if (prefer.length === 0) at.fail('the preferred protections are empty');
  return {
    name: name(fields.name, 'the name', at),
    ...(label !== undefined ? { label } : {}),
    requirement: at.word(fields.requirement, REQUIREMENTS, 'the requirement'),
    prefer: prefer.map((p) => at.word(p, APPLICABLE_PROTECTIONS, 'the preferred protection')),
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

function readSections(fields: Fields, at: Place): Pick<Policy, 'transport' | 'escrow' | 'onSend' | 'keys'> {
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
    },
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

/** The schema's cross-checks: each name defined once, every name referred to defined, preferences that can hold. */
function checkPolicy(policy: Policy, at: Place): void {
  const names = policy.classifications.map((c) => c.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) at.fail(`the classification ${quote(repeated)} is defined twice`);
  const referred = [
    policy.defaultClassification,
    ...Object.values(policy.detectors),
    ...Object.values(policy.labels),
  ];
  const unknown = referred.find((n) => n !== undefined && !names.includes(n));
  if (unknown !== undefined)
    at.fail(`${quote(unknown)} is not one of the classifications (${names.join(', ')})`);
  for (const c of policy.classifications) {
    if (new Set(c.prefer).size !== c.prefer.length) at.fail(`${quote(c.name)} lists a protection twice`);
    if (c.requirement === 'end-to-end' && c.prefer.includes('tls'))
      at.fail(`${quote(c.name)} prefers forced TLS, which can never meet end-to-end`);
    if (!policy.escrow.enabled && c.prefer.includes('escrow'))
      at.fail(`${quote(c.name)} prefers secure pickup but escrow is off`);
  }
  const domains = policy.domains.map((d) => d.domain);
  const twice = domains.find((d, i) => domains.indexOf(d) !== i);
  if (twice !== undefined) at.fail(`the domain ${quote(twice)} is listed twice`);
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
    ...(complianceKey !== undefined ? { complianceKey } : {}),
  };
  checkPolicy(policy, at);
  return { version: at.string(answer.version, 'the policy version'), policy };
}
