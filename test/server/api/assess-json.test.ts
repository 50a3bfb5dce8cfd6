/**
 * The assess answer is sent as JSON the route writes itself (src/server/api/assess-json.ts). It must be, byte
 * for byte, what Fastify's serializer writes from the response schema: the same fields in the same order, fields
 * the schema does not name left out, the same escaping.
 */
import Fastify from 'fastify';
import type { AssessAnswer, KeyAssessment } from '../../../src/core/wire';
import {
  AssessAnswer as AssessAnswerSchema,
  AssessedRecipient,
  KeyAssessment as KeyAssessmentSchema,
} from '../../../src/core/wire';
import { assessAnswerWriter } from '../../../src/server/api/assess-json';
import { jsonSchema } from '../../../src/server/api/schema';
import { ARMORED, FINGERPRINT } from './fakes';

/** What Fastify answers for `answer` on a route with the assess route's response schema. */
async function fastifyWrites(answer: AssessAnswer): Promise<string> {
  const app = Fastify();
  app.get(
    '/',
    { schema: { response: { 200: jsonSchema(AssessAnswerSchema, 'output') } } },
    async () => answer,
  );
  try {
    return (await app.inject({ url: '/' })).body;
  } finally {
    await app.close();
  }
}

const validKey: KeyAssessment = {
  reasons: ['found in WKD (advanced method)'],
  armoredKey: ARMORED,
  address: 'ann@partner.example',
  algorithm: 'RSA 3072',
  verdict: 'valid',
  source: 'wkd',
  fingerprint: FINGERPRINT,
  expires: null,
};

// Fields in an order other than the schema's, fields the schema does not name, text that needs escaping.
const answer = {
  replyPath: {
    reasons: ['mx.example.gov is authenticated by DANE'],
    checkedAt: '2025-01-01T00:00:02.000Z',
    domain: 'example.gov',
    verdict: 'authenticated',
    evidence: { mx: [] },
  },
  invalid: [{ reason: 'has no @', input: 'not "an" address\\' }],
  signed: [{ signature: 'c2ln', payload: '{"kind":"verdict"}' }],
  partial: true,
  policyVersion: 'a'.repeat(64),
  recipients: [
    {
      signIn: { label: 'Google', provider: 'google', extra: 'not named' },
      key: validKey,
      internal: false,
      transport: {
        reasons: ['mx.partner.example offers TLS 1.3 — checked\n'],
        verdict: 'encrypted',
        domain: 'partner.example',
        checkedAt: '2025-01-01T00:00:00.000Z',
        evidence: { mx: ['mx.partner.example'] },
        mailboxAccess: {
          evidence: { endpoints: [] },
          reasons: ['imap.partner.example:143 accepts a password before STARTTLS'],
          checkedAt: '2025-01-01T00:00:01.000Z',
          verdict: 'tls-offered',
        },
      },
      domain: 'partner.example',
      address: 'ann@partner.example',
      input: 'Ann \u00e9\u0001 <ann@partner.example>',
    },
    {
      input: 'clerk@example.gov',
      address: 'clerk@example.gov',
      domain: 'example.gov',
      internal: true,
      key: {
        address: 'clerk@example.gov',
        verdict: 'changed',
        reasons: ['the key changed'],
        pinnedFingerprint: FINGERPRINT,
        expires: '2030-01-01T00:00:00.000Z',
        checkedBy: 'not named either',
      },
    },
    {
      input: 'lone \ud800 surrogate@partner.example',
      address: 'bob@partner.example',
      domain: 'partner.example',
      internal: false,
      key: { address: 'bob@partner.example', verdict: 'unknown', reasons: [] },
    },
  ],
} as unknown as AssessAnswer;

test('the answer is written as Fastify writes it from the response schema', async () => {
  const write = assessAnswerWriter();
  expect(write(answer).toString()).toBe(await fastifyWrites(answer));
  // Written again from memory: the same text.
  expect(write(answer).toString()).toBe(await fastifyWrites(answer));
});

test('a signed statement is written from memory while it is the same one, and a new one afresh', async () => {
  const write = assessAnswerWriter();
  write(answer);
  const renewed = {
    ...answer,
    signed: [{ signature: 'bmV3', payload: '{"kind":"verdict","issuedAt":"2026-01-01T00:01:00.000Z"}' }],
  };
  expect(write(renewed).toString()).toBe(await fastifyWrites(renewed));
  expect(write(answer).toString()).toBe(await fastifyWrites(answer));
});

test('the answer above fills every field the schema names, so the comparison with Fastify covers each', () => {
  const named = (objects: object[]) => new Set(objects.flatMap((object) => Object.keys(object)));
  const { recipients } = answer;
  const levels: [object[], { shape: object }][] = [
    [[answer], AssessAnswerSchema],
    [answer.invalid, AssessAnswerSchema.shape.invalid.element],
    [recipients, AssessedRecipient],
    [recipients.map((r) => r.key), KeyAssessmentSchema],
    [recipients.flatMap((r) => r.transport ?? []), AssessedRecipient.shape.transport.unwrap()],
    [
      recipients.flatMap((r) => r.transport?.mailboxAccess ?? []),
      AssessedRecipient.shape.transport.unwrap().shape.mailboxAccess.unwrap(),
    ],
    [[answer.replyPath!], AssessAnswerSchema.shape.replyPath.unwrap()],
    [answer.signed!, AssessAnswerSchema.shape.signed.unwrap().element],
    [recipients.flatMap((r) => r.signIn ?? []), AssessedRecipient.shape.signIn.unwrap()],
  ];
  for (const [objects, schema] of levels)
    expect([...named(objects)]).toEqual(expect.arrayContaining(Object.keys(schema.shape)));
});

test('a recipient written before is written anew when its key, transport or sign-in provider changed', async () => {
  const write = assessAnswerWriter();
  write(answer);
  const [first, ...rest] = answer.recipients;
  const changes = [
    { key: { ...first!.key } },
    { key: { ...first!.key, verdict: 'changed' } },
    { transport: { ...first!.transport!, verdict: 'authenticated' } },
    { transport: { ...first!.transport!, reasons: ['another reason'] } },
    { transport: { ...first!.transport!, checkedAt: '2025-01-02T00:00:00.000Z' } },
    { transport: { ...first!.transport!, mailboxAccess: { verdict: 'tls-only', reasons: [] } } },
    { transport: { ...first!.transport!, mailboxAccess: undefined } },
    { transport: undefined },
    { signIn: { provider: 'microsoft', label: 'Microsoft' } },
    { signIn: undefined },
  ];
  for (const change of changes) {
    const changed = { ...answer, recipients: [{ ...first!, ...change }, ...rest] } as AssessAnswer;
    expect(write(changed).toString()).toBe(await fastifyWrites(changed));
  }
});

/** `value` changed, kept of the same kind; undefined for an object, whose own fields are changed instead. */
const changed = (value: unknown): unknown =>
  typeof value === 'string'
    ? `${value}, changed`
    : typeof value === 'boolean'
      ? !value
      : Array.isArray(value)
        ? [...(value as unknown[]), 'another']
        : value === null
          ? 'changed'
          : undefined;

test('a recipient written before is written anew when any field the schema names changed', async () => {
  // The kept JSON is only used again when what it was made of is the same; it is compared field by field by hand.
  const write = assessAnswerWriter();
  const original = await fastifyWrites(answer);
  const parts = {
    key: KeyAssessmentSchema,
    transport: AssessedRecipient.shape.transport.unwrap(),
    signIn: AssessedRecipient.shape.signIn.unwrap(),
  };
  for (const [index, r] of answer.recipients.entries()) {
    type Level = [Record<string, unknown>, object, (part: object) => object];
    const access = r.transport?.mailboxAccess;
    const levels: Level[] = [
      [r, AssessedRecipient.shape, (part) => part],
      ...(['key', 'transport', 'signIn'] as const).flatMap((name): Level[] =>
        r[name] ? [[r[name], parts[name].shape, (part) => ({ ...r, [name]: part })]] : [],
      ),
      ...(access
        ? [
            [
              access,
              parts.transport.shape.mailboxAccess.unwrap().shape,
              (part) => ({ ...r, transport: { ...r.transport, mailboxAccess: part } }),
            ] as Level,
          ]
        : []),
    ];
    for (const [object, shape, into] of levels) {
      for (const name of Object.keys(shape)) {
        const value = changed(object[name]);
        if (value === undefined) continue;
        // Written as it was first, so each change is compared with the recipient as it was.
        expect(write(answer).toString()).toBe(original);
        const recipient = into({ ...object, [name]: value });
        const other = {
          ...answer,
          recipients: answer.recipients.map((each, i) => (i === index ? recipient : each)),
        } as AssessAnswer;
        expect(write(other).toString()).toBe(await fastifyWrites(other));
      }
    }
  }
});

test('an empty answer', async () => {
  const empty: AssessAnswer = { policyVersion: 'v', partial: false, recipients: [], invalid: [] };
  expect(assessAnswerWriter()(empty).toString()).toBe(await fastifyWrites(empty));
});

test('an answer without a reply path, and one with a reply path alone', async () => {
  const { replyPath, ...without } = answer;
  expect(assessAnswerWriter()(without).toString()).toBe(await fastifyWrites(without));
  const alone: AssessAnswer = { policyVersion: 'v', partial: true, recipients: [], invalid: [], replyPath };
  expect(assessAnswerWriter()(alone).toString()).toBe(await fastifyWrites(alone));
});
