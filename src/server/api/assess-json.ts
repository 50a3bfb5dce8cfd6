/**
 * The assess answer as JSON, exactly as Fastify's serializer writes it from the `AssessAnswer` response
 * schema: only the fields the schema names, its required fields first and then the optional ones, each group in
 * the schema's order, absent fields left out.
 *
 * Written by hand because most of an answer is the same from one call to the next, and writing it afresh cost as
 * much as the rest of a warm call (a JSON.stringify call per field, a few kilobytes of armored key with every
 * line break escaped). A recipient's JSON is kept by the entry's text and used again while what it was made of is
 * the same: the same key assessment (the key service hands out the one it keeps), the same transport verdict,
 * reasons and time, the same sign-in provider.
 */
import type { SignInProvider } from '../../core/escrow/wire';
import type { AssessAnswer, AssessedRecipient, KeyAssessment } from '../../core/wire';
import { BoundedCache } from '../store/bounded-cache';

const text = JSON.stringify;

/** `"name":value` for each field present, in the order given, as an object. */
function fields<T extends object>(object: T, names: readonly (keyof T & string)[]): string {
  let json = '';
  for (const name of names) {
    const value = object[name];
    if (value !== undefined) json += `${json === '' ? '{' : ','}"${name}":${text(value)}`;
  }
  return `${json}}`;
}

// Required first, then optional, as the response schema lists them (src/core/wire.ts).
const KEY_FIELDS: readonly (keyof KeyAssessment)[] = [
  'address',
  'verdict',
  'reasons',
  'source',
  'fingerprint',
  'pinnedFingerprint',
  'expires',
  'algorithm',
  'armoredKey',
];
const TRANSPORT_FIELDS: readonly (keyof NonNullable<AssessedRecipient['transport']>)[] = [
  'domain',
  'verdict',
  'reasons',
  'checkedAt',
];

function recipientJson(r: AssessedRecipient): string {
  return (
    `{"input":${text(r.input)},"address":${text(r.address)},"domain":${text(r.domain)},` +
    `"internal":${r.internal},"key":${fields(r.key, KEY_FIELDS)}` +
    (r.transport ? `,"transport":${fields(r.transport, TRANSPORT_FIELDS)}` : '') +
    (r.signIn ? `,"signIn":${fields(r.signIn, ['provider', 'label'])}` : '') +
    '}'
  );
}

type Transport = AssessedRecipient['transport'];

const sameTransport = (a: Transport, b: Transport) =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.domain === b.domain &&
    a.verdict === b.verdict &&
    a.checkedAt === b.checkedAt &&
    a.reasons.length === b.reasons.length &&
    a.reasons.every((reason, i) => reason === b.reasons[i]));

const sameSignIn = (a: SignInProvider | undefined, b: SignInProvider | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.provider === b.provider && a.label === b.label);

/** What a kept recipient's JSON was made of. */
function sameRecipient(a: AssessedRecipient, b: AssessedRecipient): boolean {
  return (
    a.key === b.key &&
    a.address === b.address &&
    a.domain === b.domain &&
    a.internal === b.internal &&
    sameTransport(a.transport, b.transport) &&
    sameSignIn(a.signIn, b.signIn)
  );
}

const COMMA = Buffer.from(',');

/**
 * A writer with its own memory of recipients' JSON, bounded in entries and in total length. It writes bytes: a
 * kept recipient is copied into the answer as it is, not encoded again.
 */
export function assessAnswerWriter(): (answer: AssessAnswer) => Buffer {
  const written = new BoundedCache<string, { recipient: AssessedRecipient; json: Buffer }>({
    maxEntries: 10_000,
    maxSize: 32 * 1024 * 1024,
    sizeOf: ({ json }) => json.length,
  });
  const recipient = (r: AssessedRecipient): Buffer => {
    const kept = written.get(r.input);
    if (kept && sameRecipient(kept.recipient, r)) return kept.json;
    const json = Buffer.from(recipientJson(r));
    written.set(r.input, { recipient: r, json });
    return json;
  };
  return (answer) => {
    const parts: Buffer[] = [
      Buffer.from(
        `{"policyVersion":${text(answer.policyVersion)},"partial":${answer.partial},"recipients":[`,
      ),
    ];
    answer.recipients.forEach((r, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(recipient(r));
    });
    const invalid = answer.invalid.map((i) => fields(i, ['input', 'reason'])).join(',');
    parts.push(Buffer.from(`],"invalid":[${invalid}]}`));
    return Buffer.concat(parts);
  };
}
