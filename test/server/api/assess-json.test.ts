/**
 * The assess answer is sent as JSON the route writes itself (src/server/api/assess-json.ts). It must be, byte
 * for byte, what Fastify's serializer writes from the response schema: the same fields in the same order, fields
 * the schema does not name left out, the same escaping.
 */
import Fastify from 'fastify';
import type { AssessAnswer, KeyAssessment } from '../../../src/core/wire';
import { AssessAnswer as AssessAnswerSchema } from '../../../src/core/wire';
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
  invalid: [{ reason: 'has no @', input: 'not "an" address\\' }],
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
    { transport: undefined },
    { signIn: { provider: 'microsoft', label: 'Microsoft' } },
    { signIn: undefined },
  ];
  for (const change of changes) {
    const changed = { ...answer, recipients: [{ ...first!, ...change }, ...rest] } as AssessAnswer;
    expect(write(changed).toString()).toBe(await fastifyWrites(changed));
  }
});

test('an empty answer', async () => {
  const empty: AssessAnswer = { policyVersion: 'v', partial: false, recipients: [], invalid: [] };
  expect(assessAnswerWriter()(empty).toString()).toBe(await fastifyWrites(empty));
});
