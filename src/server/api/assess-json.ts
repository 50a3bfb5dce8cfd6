/**
 * The assess answer as JSON, exactly as Fastify's serializer writes it from the `AssessAnswer` response
 * schema: only the fields the schema names, its required fields first and then the optional ones, each group in
 * the schema's order, absent fields left out.
 *
 * Written by hand because most of an answer is the same from one call to the next, and writing it afresh cost as
 * much as the rest of a warm call (a JSON.stringify call per field, a few kilobytes of armored key with every
 * line break escaped). A recipient's JSON is kept by the entry's text and used again while what it was made of is
 * the same: the same key assessment (the key service hands out the one it keeps), the same transport verdict,
 * reasons and time, the same sign-in provider. Which fields are written, and in what order, comes from the
 * response schema itself, so a field added to it is not dropped.
 */
import { AssessAnswer as AssessAnswerSchema } from '../../core/wire';
import { sameRecipient } from '../../core/same-recipient';
import type { SignedStatement } from '../../core/signed/statement';
import type { AssessAnswer, AssessedRecipient } from '../../core/wire';
import { BoundedCache } from '../store/bounded-cache';
import { jsonSchema } from './schema';

const text = JSON.stringify;

/** The part of a JSON Schema (as `jsonSchema` makes it) that decides how a value is written. */
interface Shape {
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
  anyOf?: Shape[];
}

type Write = (value: unknown) => string;

/**
 * A writer for values of `shape`, made from the same JSON Schema Fastify serialises with, so a field added to the
 * zod schema is written without a change here. Fastify's serializer (fast-json-stringify) writes an object's
 * required properties first, then the optional ones, each group in the schema's order: so does this.
 */
function writerFor(shape: Shape, where: string): Write {
  const { properties, required = [] } = shape;
  if (properties === undefined) {
    // Objects inside arrays or unions would need their own order too; the answer's recipients have none.
    if (shape.items?.properties !== undefined || shape.anyOf?.some((s) => s.properties !== undefined))
      throw new Error(`${where}: objects inside an array or union are not written here`);
    return text;
  }
  const names = Object.keys(properties);
  const ordered = [
    ...names.filter((n) => required.includes(n)),
    ...names.filter((n) => !required.includes(n)),
  ];
  const writers = ordered.map((name) => [name, writerFor(properties[name]!, `${where}.${name}`)] as const);
  return (value) => {
    const object = value as Record<string, unknown>;
    let json = '';
    for (const [name, write] of writers) {
      const field = object[name];
      if (field !== undefined) json += `${json === '' ? '{' : ','}"${name}":${write(field)}`;
    }
    return json === '' ? '{}' : `${json}}`;
  };
}

const answerShape = jsonSchema(AssessAnswerSchema, 'output') as Shape;
const recipientJson = writerFor(answerShape.properties!.recipients!.items!, 'recipient');
const invalidJson = writerFor(answerShape.properties!.invalid!.items!, 'invalid');
const replyPathJson = writerFor(answerShape.properties!.replyPath!, 'replyPath');
const signedJson = writerFor(answerShape.properties!.signed!.items!, 'signed');

const COMMA = Buffer.from(',');
const SIGNED_OPEN = Buffer.from(',"signed":[');
const ARRAY_CLOSE = Buffer.from(']');
const OBJECT_CLOSE = Buffer.from('}');

/**
 * A writer with its own memory of recipients' JSON, bounded in entries and in total length, and of signed
 * statements' JSON for as long as the statement is held (the signer hands the same one out again for a while:
 * server/verdicts/signer.ts); each payload is JSON within JSON, every quote escaped again. It writes bytes: a kept
 * recipient or statement is copied into the answer as it is, not encoded again.
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
  const writtenStatements = new WeakMap<SignedStatement, Buffer>();
  const statement = (signed: SignedStatement): Buffer => {
    let json = writtenStatements.get(signed);
    if (json === undefined) {
      json = Buffer.from(signedJson(signed));
      writtenStatements.set(signed, json);
    }
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
    const invalid = answer.invalid.map(invalidJson).join(',');
    // The schema's optional fields, after the required ones, as Fastify's serializer writes them.
    const replyPath = answer.replyPath ? `,"replyPath":${replyPathJson(answer.replyPath)}` : '';
    parts.push(Buffer.from(`],"invalid":[${invalid}]${replyPath}`));
    if (answer.signed) {
      parts.push(SIGNED_OPEN);
      answer.signed.forEach((signed, i) => {
        if (i > 0) parts.push(COMMA);
        parts.push(statement(signed));
      });
      parts.push(ARRAY_CLOSE);
    }
    parts.push(OBJECT_CLOSE);
    return Buffer.concat(parts);
  };
}
