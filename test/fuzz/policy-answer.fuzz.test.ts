/**
 * Fuzz: the add-ins' zod-free policy reader (readPolicyAnswer) against the service's policy schema, on the
 * shipped policy with values replaced, fields dropped and list entries repeated. The reader reads what the service
 * serves, the schema's output, so the two must agree in both directions: what the reader accepts the schema
 * accepts, to the same policy; and whatever the schema accepts, the reader accepts as the schema serves it.
 * Unknown fields (the reader drops them, for a newer service) and domain syntax (documented in the reader: it
 * checks the length only) are outside that agreement, so domain fields get domain-shaped values here.
 */
import fc from 'fast-check';
import { AnswerError } from '../../src/core/evaluate/fields';
import { readPolicyAnswer } from '../../src/core/evaluate/policy-answer';
import { POLICY_LIMITS } from '../../src/core/policy/limits';
import { PolicySchema } from '../../src/core/policy/schema';
import { defaultPolicy } from '../helpers/policy';
import { utf8Bytes } from './generators';
import { fuzzTest, type Budget } from './runner';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const shipped = defaultPolicy();
const valid = defaultPolicy({
  complianceKey: { fingerprint: 'A'.repeat(40) },
  // One classification that asks how the recipients reach their mail, so that the field is fuzzed too.
  classifications: shipped.classifications.map((c, i) => (i === 1 ? { ...c, mailboxAccess: 'tls-only' } : c)),
  domains: [
    { domain: 'partner.example', trustTransport: 'authenticated', note: 'gateway rule' },
    { domain: '*.bank.example', requirement: 'end-to-end' },
  ],
}) as unknown as Json;

/** Every place in the document, as a path of keys and indexes. */
function pathsOf(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [at];
  const children = Array.isArray(value)
    ? value.flatMap((child, i) => pathsOf(child, [...at, i]))
    : Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...at, key]));
  return at.length === 0 ? children : [at, ...children];
}

const paths = pathsOf(valid);

/** The policy's own words, right in one place and wrong in another. */
const WORDS = [
  'restricted',
  'nowhere',
  'Secret',
  'tls',
  'pgp',
  'escrow',
  'smime',
  'end-to-end',
  'prompt',
  'suffix',
  'tls-only',
  'tls-offered',
];

/** Values at the edges of the value they replace: its type's bounds and neighbours, another type, a word. */
function edgesOf(current: Json): Json[] {
  if (typeof current === 'string')
    return ['', 'x', current.toUpperCase(), `${current}\n`, 'a'.repeat(POLICY_LIMITS.labelMax + 1), ...WORDS];
  if (typeof current === 'number') return [current - 1, current + 1, current + 0.5, 0, String(current)];
  if (typeof current === 'boolean') return [!current, String(current), 1];
  if (Array.isArray(current)) return [[], [...current, ...current], current.slice(1), {}];
  return [{}, [], null, 'x'];
}

/** Normal domain names (the schema's output form), and what both refuse whatever the syntax rule. */
const domainValue: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  'partner.example',
  '*.partner.example',
  'example.gov',
  `${'a'.repeat(63)}.example`,
  '',
  7,
  null,
  [],
);

const isDomainPath = (path: (string | number)[]) =>
  path.at(-1) === 'domain' || (path[0] === 'internalDomains' && path.length === 2);

type Edit = { kind: 'replace' | 'drop' | 'repeat'; path: number; pick: number; domain: Json; times: number };

function edited(document: Json, edit: Edit): Json {
  const path = paths[edit.path % paths.length]!;
  const copy = structuredClone(document);
  let parent: any = copy;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object' || !(key in parent)) return copy;
    parent = parent[key];
  }
  const last = path.at(-1)!;
  if (parent === null || typeof parent !== 'object' || !(last in parent)) return copy;
  if (edit.kind === 'replace') {
    const edges = edgesOf(parent[last]);
    parent[last] = isDomainPath(path) ? edit.domain : edges[edit.pick % edges.length]!;
  } else if (edit.kind === 'drop' && Array.isArray(parent)) parent.splice(last as number, 1);
  else if (edit.kind === 'drop') delete parent[last];
  else if (Array.isArray(parent))
    parent.push(...Array.from({ length: edit.times }, () => parent[last as number]));
  return copy;
}

const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.oneof(
    { weight: 6, arbitrary: fc.constant('replace' as const) },
    { weight: 2, arbitrary: fc.constantFrom('drop' as const, 'repeat' as const) },
  ),
  path: fc.nat(),
  pick: fc.nat(),
  domain: domainValue,
  // Mostly one repeat (a name or domain twice); sometimes past the 10,000 domain rules.
  times: fc.oneof({ weight: 9, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(10_000) }),
});

const policies = fc
  .array(edit, { minLength: 1, maxLength: 4 })
  .map((edits) => JSON.stringify(edits.reduce(edited, valid)));

type Verdict = { accepted: true; policy: unknown } | { accepted: false; reason: string };

function readerVerdict(policy: unknown): Verdict {
  try {
    return { accepted: true, policy: readPolicyAnswer({ version: 'v1', policy }).policy };
  } catch (error) {
    if (error instanceof AnswerError) return { accepted: false, reason: error.message };
    throw error;
  }
}

interface Verdicts {
  reader: Verdict;
  schema: Verdict;
  /** The reader on the schema's output: what the service would serve. */
  served?: Verdict;
}

/** Zod and the reader over 10,000 domain rules: linear, but a few milliseconds per thousand rules. */
const BUDGET: Budget = { floorMs: 20, msPer64KiB: 100 };

fuzzTest<string, Verdicts>({
  name: 'policy answer against the policy schema',
  budget: BUDGET,
  inputs: policies,
  size: utf8Bytes,
  parse: (text) => {
    const policy: unknown = JSON.parse(text);
    const parsed = PolicySchema.safeParse(policy);
    const schema: Verdict = parsed.success
      ? { accepted: true, policy: parsed.data }
      : { accepted: false, reason: parsed.error.issues.map((i) => i.message).join('; ') };
    return {
      reader: readerVerdict(policy),
      schema,
      ...(parsed.success ? { served: readerVerdict(parsed.data) } : {}),
    };
  },
  check: ({ reader, schema, served }) => {
    if (reader.accepted) {
      if (!schema.accepted) throw new Error(`the reader accepts what the schema refuses: ${schema.reason}`);
      expect(reader.policy).toEqual(schema.policy);
    }
    if (schema.accepted) {
      if (!served?.accepted)
        throw new Error(`the reader refuses the policy the schema serves: ${served?.reason ?? ''}`);
      expect(served.policy).toEqual(schema.policy);
    }
  },
});
