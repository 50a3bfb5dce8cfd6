/**
 * The add-ins' zod-free reading of `GET /api/v1/policy` accepts what the service's policy schema accepts and
 * refuses, naming the field, a policy with a field of the wrong type: a half-read policy must not turn on
 * "send anyway" or drop the compliance key.
 */
import type { AddressInfo } from 'node:net';
import { AnswerError } from '../../src/core/evaluate/fields';
import { readPolicyAnswer } from '../../src/core/evaluate/policy-answer';
import { PolicySchema, type Policy } from '../../src/core/policy/schema';
import { defaultPolicy } from '../helpers/policy';
import { deployedTestApp } from '../server/api/fakes';

const FINGERPRINT = 'A'.repeat(40);

/** The shipped policy as the service serves it, with one field replaced by `change`. */
function served(change: (policy: Record<string, unknown>) => void = () => undefined) {
  const policy = defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT } }) as unknown as Record<
    string,
    unknown
  >;
  change(policy);
  return { version: 'v1', policy };
}

function refusal(body: unknown): AnswerError {
  try {
    readPolicyAnswer(body);
  } catch (error) {
    if (error instanceof AnswerError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

test('reads the policy the service serves, as its schema reads it', async () => {
  const { app, token } = await deployedTestApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/policy`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { policy: Policy };
    // The service's escrow limit is served beside the file's policy, which may not hold it.
    const { maxMessageBytes, ...fileEscrow } = body.policy.escrow;
    expect(maxMessageBytes).toBeGreaterThan(0);
    const file = PolicySchema.parse({ ...body.policy, escrow: fileEscrow });
    expect(readPolicyAnswer(body).policy).toEqual({ ...file, escrow: { ...file.escrow, maxMessageBytes } });
  } finally {
    await app.close();
  }
});

test('keeps every field of a full policy and drops unknown ones', () => {
  const body = served((p: Record<string, any>) => {
    p.extra = true;
    p.classifications[1].mailboxAccess = 'tls-only';
  });
  const { extra: _extra, ...policy } = body.policy;
  expect(readPolicyAnswer(body)).toEqual({ version: 'v1', policy: PolicySchema.parse(policy) });
});

test('secure pickup’s proofs are read; a service older than them serves neither, read as the defaults', () => {
  const body = served((p) => {
    p.escrow = {
      ...(p.escrow as object),
      proofs: { restricted: ['sign-in', 'passcode'] },
      codeTransport: ['encrypted'],
    };
  });
  expect(readPolicyAnswer(body).policy.escrow).toEqual(PolicySchema.parse(body.policy).escrow);
  const older = served((p) => {
    p.escrow = { enabled: true, expiryDays: 30 };
  });
  expect(readPolicyAnswer(older).policy.escrow).toEqual({
    enabled: true,
    expiryDays: 30,
    proofs: {},
    codeTransport: ['authenticated'],
  });
  expect(readPolicyAnswer(older).policy).toEqual(PolicySchema.parse(older.policy));
});

describe('a field of the wrong type is refused, naming it', () => {
  test.each([
    [
      'onSend.allowOverride "yes" is not true or false',
      (p: Record<string, any>) => (p.onSend.allowOverride = 'yes'),
    ],
    [
      'onSend.allowOverride "1" is not true or false',
      (p: Record<string, any>) => (p.onSend.allowOverride = 1),
    ],
    ['the tag "[CONF]" is not a set of fields', (p: Record<string, any>) => (p.tag = '[CONF]')],
    ['the tag has neither a subject tag nor a header', (p: Record<string, any>) => (p.tag = {})],
    [
      'the subject tag "7" is not text',
      (p: Record<string, any>) => (p.tag = { subject: { text: 7, position: 'prefix' } }),
    ],
    [
      'the compliance key fingerprint "abc" is not',
      (p: Record<string, any>) => (p.complianceKey = { fingerprint: 'abc' }),
    ],
    [
      'the compliance key "true" is not a set of fields',
      (p: Record<string, any>) => (p.complianceKey = true),
    ],
    ['the classifications "{}" is not a list', (p: Record<string, any>) => (p.classifications = {})],
    ['the classifications are empty', (p: Record<string, any>) => (p.classifications = [])],
    [
      'classification 1: the name "Secret" is not',
      (p: Record<string, any>) => (p.classifications[0].name = 'Secret'),
    ],
    [
      'the preferred protection "smime" is not one of tls, pgp, escrow',
      (p: Record<string, any>) => (p.classifications[0].prefer = ['smime']),
    ],
    [
      '"nowhere" is not one of the classifications',
      (p: Record<string, any>) => (p.defaultClassification = 'nowhere'),
    ],
    [
      'classification 1: the mailbox access it requires "tls-offered" is not one of tls-only',
      (p: Record<string, any>) => (p.classifications[0].mailboxAccess = 'tls-offered'),
    ],
    [
      'classification 1: the label "" is too short',
      (p: Record<string, any>) => (p.classifications[0].label = ''),
    ],
    [
      'domains[1].domain: "partner.example" is listed twice',
      (p: Record<string, any>) =>
        (p.domains = [{ domain: 'partner.example' }, { domain: 'partner.example' }]),
    ],
    [
      'classifications[0].prefer[0]: forced TLS protects each hop only and can never meet end-to-end',
      (p: Record<string, any>) => {
        p.classifications[0].requirement = 'end-to-end';
        p.classifications[0].prefer = ['tls'];
      },
    ],
    [
      'keys.minRsaBits 1024 is not between 2048 and 16384',
      (p: Record<string, any>) => (p.keys.minRsaBits = 1024),
    ],
    [
      'escrow.proofs.secret: "secret" is not one of the classifications',
      (p: Record<string, any>) => (p.escrow.proofs = { secret: ['sign-in'] }),
    ],
    [
      'escrow.proofs for "restricted" "sms" is not one of sign-in, passcode, code',
      (p: Record<string, any>) => (p.escrow.proofs = { restricted: ['sms'] }),
    ],
    [
      'escrow.proofs for "restricted" is empty',
      (p: Record<string, any>) => (p.escrow.proofs = { restricted: [] }),
    ],
    [
      'escrow.proofs.restricted[1]: "code" is listed twice',
      (p: Record<string, any>) => (p.escrow.proofs = { restricted: ['code', 'code'] }),
    ],
    [
      'escrow.codeTransport "verified" is not one of',
      (p: Record<string, any>) => (p.escrow.codeTransport = ['verified']),
    ],
    ['escrow.codeTransport is empty', (p: Record<string, any>) => (p.escrow.codeTransport = [])],
  ])('%s', (words, change) => {
    const body = served(change);
    expect(() => PolicySchema.parse(body.policy)).toThrow();
    expect(refusal(body)).toMatchObject({
      code: 'ANSWER_MALFORMED',
      message: expect.stringContaining(words),
    });
  });

  test('no version', () => {
    expect(refusal({ policy: served().policy }).message).toBe('the policy: the policy version is missing');
  });
});
