/**
 * The assess answer as JSON text, exactly as Fastify's serializer writes it from the `AssessAnswer` response
 * schema: only the fields the schema names, its required fields first and then the optional ones, each group in
 * the schema's order, absent fields left out. Written by hand because most of an answer is the same from one
 * call to the next: a key's JSON (mostly its armored key, a few kilobytes with every line break escaped) is made
 * once per assessment the key service hands out and reused while that assessment is the one it holds.
 */
import type { AssessAnswer, AssessedRecipient, DomainAssessment, KeyAssessment } from '../../core/wire';

const text = JSON.stringify;

/** `,"name":value` for each field present, in the order given; `{` replaces the first comma. */
function fields(object: object, names: readonly string[]): string {
  let json = '';
  for (const name of names) {
    const value = (object as Record<string, unknown>)[name];
    if (value !== undefined) json += `${json === '' ? '{' : ','}"${name}":${text(value)}`;
  }
  return `${json}}`;
}

// Required first, then optional, as the response schema lists them (src/core/wire.ts).
const KEY_FIELDS = [
  'address',
  'verdict',
  'reasons',
  'source',
  'fingerprint',
  'pinnedFingerprint',
  'expires',
  'algorithm',
  'armoredKey',
] as const satisfies readonly (keyof KeyAssessment)[];
const TRANSPORT_FIELDS = [
  'domain',
  'verdict',
  'reasons',
  'checkedAt',
] as const satisfies readonly (keyof DomainAssessment)[];

/** A writer with its own memory of the JSON of the key and transport assessments it has written. */
export function assessAnswerWriter(): (answer: AssessAnswer) => string {
  // Keyed by the assessment itself: an entry lives as long as the service keeps that assessment, no longer.
  const written = new WeakMap<object, string>();
  const once = (object: object, names: readonly string[]): string => {
    let json = written.get(object);
    if (json === undefined) {
      json = fields(object, names);
      written.set(object, json);
    }
    return json;
  };
  const recipient = (r: AssessedRecipient): string =>
    `{"input":${text(r.input)},"address":${text(r.address)},"domain":${text(r.domain)},` +
    `"internal":${r.internal},"key":${once(r.key, KEY_FIELDS)}` +
    (r.transport ? `,"transport":${once(r.transport, TRANSPORT_FIELDS)}` : '') +
    (r.signIn ? `,"signIn":{"provider":${text(r.signIn.provider)},"label":${text(r.signIn.label)}}` : '') +
    '}';
  return (answer) =>
    `{"policyVersion":${text(answer.policyVersion)},"partial":${answer.partial},` +
    `"recipients":[${answer.recipients.map(recipient).join(',')}],` +
    `"invalid":[${answer.invalid.map((i) => `{"input":${text(i.input)},"reason":${text(i.reason)}}`).join(',')}]}`;
}
