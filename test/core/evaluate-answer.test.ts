/**
 * Issue item 2: the assess answer is checked before it is trusted. The add-ins' zod-free reader accepts exactly
 * what the wire schema accepts (one contract, two readers, checked against each other over generated answers);
 * the server's real answer passes it; and an answer that is not about exactly the recipients asked is refused,
 * naming the recipient and the reason.
 */
import fc from 'fast-check';
import { parseAddress } from '../../src/core/addresses';
import { checkAnswerCovers, checkAssessAnswer, readAssessAnswer } from '../../src/core/evaluate/answer';
import { AnswerError } from '../../src/core/evaluate/fields';
import {
  KEY_SOURCES,
  KEY_VERDICTS,
  MAILBOX_ACCESS_VERDICTS,
  TRANSPORT_VERDICTS,
} from '../../src/core/vocabulary';
import { AssessAnswer } from '../../src/core/wire';
import { assessedRecipient } from '../helpers/assess-answer';
import { deployedTestApp } from '../server/api/fakes';

/** `more` may hold anything, in or out of the schema: these tests feed the validator answers a service should not give. */
function recipient(address: string, more: Record<string, unknown> = {}) {
  return { ...assessedRecipient(address, 'authenticated', ['mx.example offers DANE']), ...more };
}

const answerOf = (recipients: unknown[], invalid: unknown[] = []) => ({
  policyVersion: 'v1',
  partial: false,
  recipients,
  invalid,
});

function refusal(body: unknown, asked: string[], sender?: string): AnswerError {
  try {
    checkAssessAnswer(body, asked, sender);
  } catch (error) {
    if (error instanceof AnswerError) return error;
    throw error;
  }
  throw new Error('the answer was accepted');
}

// Answers as the wire allows them, with every optional field sometimes present.
const text = fc.string({ maxLength: 12 });
const keyArb = fc.record(
  {
    address: fc.string({ minLength: 3, maxLength: 20 }),
    verdict: fc.constantFrom(...KEY_VERDICTS),
    source: fc.constantFrom(...KEY_SOURCES),
    fingerprint: fc.constantFrom('A'.repeat(40), '0123456789ABCDEF'.repeat(4)),
    pinnedFingerprint: text,
    expires: fc.option(text, { nil: null }),
    algorithm: text,
    reasons: fc.array(text, { maxLength: 3 }),
    armoredKey: text,
  },
  { requiredKeys: ['address', 'verdict', 'reasons'] },
);
const mailboxAccessArb = fc.record(
  {
    verdict: fc.constantFrom(...MAILBOX_ACCESS_VERDICTS),
    reasons: fc.array(text, { maxLength: 3 }),
    checkedAt: text,
  },
  { requiredKeys: ['verdict', 'reasons'] },
);
const domainSummaryArb = {
  domain: fc.string({ minLength: 1, maxLength: 20 }),
  verdict: fc.constantFrom(...TRANSPORT_VERDICTS),
  reasons: fc.array(text, { maxLength: 3 }),
  checkedAt: text,
};
const transportArb = fc.record(
  { ...domainSummaryArb, mailboxAccess: mailboxAccessArb },
  { requiredKeys: ['domain', 'verdict', 'reasons'] },
);
const replyPathArb = fc.record(domainSummaryArb, { requiredKeys: ['domain', 'verdict', 'reasons'] });
const signInArb = fc.record({
  provider: fc.string({ minLength: 1, maxLength: 12 }),
  label: fc.string({ minLength: 1, maxLength: 12 }),
});
const recipientArb = fc.record(
  {
    input: text,
    address: text,
    domain: text,
    internal: fc.boolean(),
    transport: transportArb,
    key: keyArb,
    signIn: signInArb,
  },
  { requiredKeys: ['input', 'address', 'domain', 'internal', 'key'] },
);
const validAnswerArb = fc.record(
  {
    policyVersion: text,
    partial: fc.boolean(),
    recipients: fc.array(recipientArb, { maxLength: 3 }),
    invalid: fc.array(fc.record({ input: text, reason: text }), { maxLength: 2 }),
    replyPath: replyPathArb,
  },
  { requiredKeys: ['policyVersion', 'partial', 'recipients', 'invalid'] },
);

/** Junk of every JSON kind, and words close to the vocabulary. */
const junkArb = fc.oneof(
  fc.constantFrom(null, true, 0, '', [], {}, 'maybe', 'Authenticated', 'VALID', 'a'.repeat(501), 'ab'),
  fc.constantFrom('b'.repeat(254), 'a'.repeat(41), 'a'.repeat(40), 'c'.repeat(321)),
  fc.constantFrom('d'.repeat(101), 'd'.repeat(100), 'e'.repeat(201), 'e'.repeat(200)),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Every path to a value inside a JSON document, objects' keys and arrays' indexes. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaced(document: unknown, path: Array<string | number>, junk: unknown, drop: boolean): unknown {
  if (path.length === 0) return junk;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (drop && !Array.isArray(parent)) delete parent[last];
  else parent[last] = junk;
  return copy;
}

const mutatedArb = validAnswerArb.chain((answer) =>
  fc.tuple(fc.constant(answer), fc.constantFrom(...paths(answer)), junkArb, fc.boolean()),
);

describe('readAssessAnswer and the wire schema accept the same answers', () => {
  test('every answer the schema allows is read, with the schema’s own result', () => {
    fc.assert(
      fc.property(validAnswerArb, (answer) => {
        expect(readAssessAnswer(answer)).toEqual(AssessAnswer.parse(answer));
      }),
      { numRuns: 300 },
    );
  });

  test('a field replaced or removed anywhere: both refuse, or both accept', () => {
    fc.assert(
      fc.property(mutatedArb, ([answer, path, junk, drop]) => {
        const mutated = replaced(answer, path, junk, drop);
        const bySchema = AssessAnswer.safeParse(mutated).success;
        let byReader = true;
        try {
          readAssessAnswer(mutated);
        } catch (error) {
          if (!(error instanceof AnswerError)) throw error;
          byReader = false;
        }
        expect({ path, byReader }).toEqual({ path, byReader: bySchema });
      }),
      { numRuns: 2000 },
    );
  });

  test('fields the schema does not know are dropped, as the schema drops them', () => {
    const answer = answerOf([recipient('ann@a.example', { extra: 1 })]);
    expect(readAssessAnswer({ ...answer, more: true })).toEqual(
      AssessAnswer.parse({ ...answer, more: true }),
    );
  });
});

describe('a malformed answer is refused, naming the recipient and the reason', () => {
  test('a verdict word outside the vocabulary', () => {
    const body = answerOf([
      recipient('ann@a.example'),
      recipient('bob@b.example', { transport: { domain: 'b.example', verdict: 'secure', reasons: [] } }),
    ]);
    const error = refusal(body, ['ann@a.example', 'bob@b.example']);
    expect(error.code).toBe('ANSWER_MALFORMED');
    expect(error.recipient).toBe('bob@b.example');
    expect(error.message).toBe(
      'the answer for "bob@b.example": transport verdict "secure" is not one of no-mail, unknown, broken, none, partial, weak, encrypted, authenticated',
    );
  });

  test('a key verdict outside the vocabulary', () => {
    const body = answerOf([
      recipient('ann@a.example', { key: { address: 'ann@a.example', verdict: 'trusted', reasons: [] } }),
    ]);
    expect(refusal(body, ['ann@a.example']).message).toContain('key verdict "trusted" is not one of valid');
  });

  test('a missing field, and an answer that is not an object at all', () => {
    const { internal: _internal, ...withoutInternal } = recipient('ann@a.example');
    expect(refusal(answerOf([withoutInternal]), ['ann@a.example']).message).toBe(
      'the answer for "ann@a.example": whether it is internal is missing',
    );
    expect(refusal(undefined, ['ann@a.example']).message).toBe('the answer: the answer is missing');
    expect(refusal([], ['ann@a.example']).message).toBe('the answer: the answer "[]" is not a set of fields');
    expect(refusal({ ...answerOf([]), recipients: 'all' }, []).message).toBe(
      'the answer: the recipients "all" is not a list',
    );
  });

  test('a sign-in provider without a name, or not a set of fields', () => {
    const google = { provider: 'google', label: 'Google' };
    expect(
      readAssessAnswer(answerOf([recipient('ann@a.example', { signIn: google })])).recipients[0]?.signIn,
    ).toEqual(google);
    expect(
      refusal(answerOf([recipient('ann@a.example', { signIn: { provider: 'google', label: '' } })]), [
        'ann@a.example',
      ]).message,
    ).toBe('the answer for "ann@a.example": the sign-in provider name "" is too short');
    expect(
      refusal(answerOf([recipient('ann@a.example', { signIn: 'google' })]), ['ann@a.example']).message,
    ).toBe('the answer for "ann@a.example": the sign-in provider "google" is not a set of fields');
  });

  test('a mailbox access word outside the vocabulary, and mailbox access that is not a set of fields', () => {
    const transport = (mailboxAccess: unknown) => ({
      domain: 'a.example',
      verdict: 'encrypted',
      reasons: [],
      mailboxAccess,
    });
    const tlsOnly = { verdict: 'tls-only', reasons: ['imap.a.example:993 requires TLS'] };
    expect(
      readAssessAnswer(answerOf([recipient('ann@a.example', { transport: transport(tlsOnly) })]))
        .recipients[0]?.transport?.mailboxAccess,
    ).toEqual(tlsOnly);
    expect(
      refusal(
        answerOf([recipient('ann@a.example', { transport: transport({ verdict: 'safe', reasons: [] }) })]),
        ['ann@a.example'],
      ).message,
    ).toBe(
      'the answer for "ann@a.example": mailbox access verdict "safe" is not one of tls-only, tls-offered, plaintext, unknown',
    );
    expect(
      refusal(answerOf([recipient('ann@a.example', { transport: transport('tls-only') })]), ['ann@a.example'])
        .message,
    ).toBe('the answer for "ann@a.example": the mailbox access "tls-only" is not a set of fields');
  });

  test('a reply path verdict outside the vocabulary', () => {
    const body = { ...answerOf([]), replyPath: { domain: 'example.gov', reasons: [] } };
    expect(refusal(body, [], 'me@example.gov').message).toBe(
      'the answer: reply path verdict "undefined" is not one of no-mail, unknown, broken, none, partial, weak, encrypted, authenticated',
    );
  });

  test('a fingerprint that is not one', () => {
    const key = { address: 'ann@a.example', verdict: 'valid', fingerprint: 'abc', reasons: [] };
    expect(refusal(answerOf([recipient('ann@a.example', { key })]), ['ann@a.example']).message).toContain(
      'the key fingerprint "abc" is not an upper-case hexadecimal',
    );
  });
});

describe('the answer is about exactly the recipients asked', () => {
  test('one left out', () => {
    const error = refusal(answerOf([recipient('ann@a.example')]), ['ann@a.example', 'bob@b.example']);
    expect(error).toMatchObject({ code: 'ANSWER_MISSING_RECIPIENT', recipient: 'bob@b.example' });
    expect(error.message).toBe('the answer leaves out "bob@b.example"');
  });

  test('one nobody asked about', () => {
    const error = refusal(answerOf([recipient('ann@a.example'), recipient('eve@e.example')]), [
      'ann@a.example',
    ]);
    expect(error).toMatchObject({ code: 'ANSWER_UNASKED_RECIPIENT', recipient: 'eve@e.example' });
    expect(error.message).toBe(
      'the answer speaks of "eve@e.example", which is not a recipient of this message',
    );
  });

  test('one answered twice, or both assessed and invalid', () => {
    const twice = refusal(answerOf([recipient('ann@a.example'), recipient('ann@a.example')]), [
      'ann@a.example',
    ]);
    expect(twice.code).toBe('ANSWER_DUPLICATE_RECIPIENT');
    const both = refusal(
      answerOf([recipient('ann@a.example')], [{ input: 'ann@a.example', reason: 'is odd' }]),
      ['ann@a.example'],
    );
    expect(both.code).toBe('ANSWER_DUPLICATE_RECIPIENT');
  });

  test('another domain’s transport or another address’s key', () => {
    const transport = { domain: 'other.example', verdict: 'authenticated', reasons: [] };
    const wrongDomain = refusal(answerOf([recipient('ann@a.example', { transport })]), ['ann@a.example']);
    expect(wrongDomain).toMatchObject({ code: 'ANSWER_INCONSISTENT', recipient: 'ann@a.example' });
    expect(wrongDomain.message).toContain('reports the transport of "other.example", not of "a.example"');
    const key = { address: 'eve@a.example', verdict: 'valid', reasons: [] };
    expect(refusal(answerOf([recipient('ann@a.example', { key })]), ['ann@a.example']).message).toContain(
      'reports the key of "eve@a.example"',
    );
    const elsewhere = refusal(answerOf([recipient('ann@a.example', { domain: 'b.example' })]), [
      'ann@a.example',
    ]);
    expect(elsewhere.code).toBe('ANSWER_INCONSISTENT');
  });

  test('an answer for another address under the recipient’s own input', () => {
    const swapped = { ...recipient('eve@a.example'), input: 'ann@a.example' };
    const error = refusal(answerOf([swapped]), ['ann@a.example']);
    expect(error).toMatchObject({ code: 'ANSWER_INCONSISTENT', recipient: 'ann@a.example' });
    expect(error.message).toBe('the answer for "ann@a.example" gives it as "eve@a.example"');
  });

  test('a bare dot-atom input is held to its own address, with a root dot; other forms are left to the service', () => {
    const swapped = { ...recipient('eve@a.example'), input: 'ann.lee@A.example.' };
    expect(refusal(answerOf([swapped]), ['ann.lee@A.example.']).message).toBe(
      'the answer for "ann.lee@A.example." gives it as "eve@a.example"',
    );
    // Two dots in a row: not a dot-atom, so the service's quoted normal form is its to give.
    const unusual = { ...recipient('"ann..lee"@a.example'), input: 'ann..lee@a.example' };
    expect(checkAssessAnswer(answerOf([unusual]), ['ann..lee@a.example']).recipients).toHaveLength(1);
  });

  test('the service’s normal forms pass: domain case, a root dot, display names and quoting left to it', () => {
    const asked = ['Ann@A.Example.', 'Bob <bob@b.example>', '"odd..name"@c.example'];
    const body = answerOf([
      { ...recipient('Ann@a.example'), input: asked[0] },
      { ...recipient('bob@b.example'), input: asked[1] },
      { ...recipient('"odd..name"@c.example'), input: asked[2] },
    ]);
    expect(checkAssessAnswer(body, asked).recipients).toHaveLength(3);
  });

  test('the reply path is the sender’s own domain’s, and only when the sender was asked about', () => {
    const replyPath = { domain: 'Example.GOV.', verdict: 'authenticated', reasons: [] };
    const body = { ...answerOf([recipient('ann@a.example')]), replyPath };
    expect(checkAssessAnswer(body, ['ann@a.example'], 'me@example.gov').replyPath).toEqual(replyPath);
    // Of another domain, or not asked for: that line is dropped, the recipients' verdicts kept.
    const other = checkAssessAnswer(body, ['ann@a.example'], 'me@other.example');
    expect(other).not.toHaveProperty('replyPath');
    expect(other.recipients).toHaveLength(1);
    expect(checkAssessAnswer(body, ['ann@a.example'])).not.toHaveProperty('replyPath');
    // A service that does not know the reply path yet leaves it out: the pane shows no line, nothing fails.
    expect(checkAssessAnswer(answerOf([]), [], 'me@example.gov').replyPath).toBeUndefined();
  });

  test('an internationalised sender: asked in normal form, the A-label reply path is theirs', () => {
    const replyPath = { domain: 'xn--mller-kva.de', verdict: 'encrypted', reasons: [] };
    const body = { ...answerOf([recipient('ann@a.example')]), replyPath };
    const sender = parseAddress('anna@müller.de').address;
    expect(checkAssessAnswer(body, ['ann@a.example'], sender).replyPath).toEqual(replyPath);
    // Asked as written (a host that gives the U-label): no reply path line, but never a refused answer.
    const raw = checkAssessAnswer(body, ['ann@a.example'], 'anna@müller.de');
    expect(raw).not.toHaveProperty('replyPath');
    expect(raw.recipients).toHaveLength(1);
  });

  test('an invalid entry is an answer: it covers its recipient', () => {
    const body = answerOf([recipient('ann@a.example')], [{ input: 'not an address', reason: 'has no @' }]);
    expect(checkAssessAnswer(body, ['ann@a.example', 'not an address']).invalid).toHaveLength(1);
    expect(() => checkAnswerCovers(readAssessAnswer(answerOf([])), [])).not.toThrow();
  });
});

test('the service’s own answer passes, display names, case and invalid entries included', async () => {
  const { app, authorization } = await deployedTestApp();
  const asked = [
    'Ann <ann@partner.example>',
    'ANN@partner.example',
    'Bob@Partner.Example.',
    'clerk@example.gov',
    'not an address',
  ];
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/assess',
    headers: { authorization },
    payload: { recipients: asked },
  });
  expect(response.statusCode).toBe(200);
  const answer = checkAssessAnswer(response.json(), asked);
  expect(answer.recipients.map((r) => r.input)).toEqual(asked.slice(0, 4));
  expect(answer.invalid.map((r) => r.input)).toEqual(['not an address']);
  await app.close();
});
