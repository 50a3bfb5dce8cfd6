/**
 * The service signs what it hands out (RFC 8032 Ed25519, checked here with Node's own verifier and with the
 * add-in's tweetnacl-based one): every recipient of an /assess answer with the time it was handed out, the policy
 * version and the deployment, without the armored key; and the policy, whose ETag covers its signature. The verdict
 * key is derived from the decision key, which every node of a database holds alike.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { verifiedStatement } from '../../../src/addin/outage/verify';
import { SIGNED_LIMITS, type SignedStatement } from '../../../src/core/signed/statement';
import { verdictKeyFrom, verdictKeyOf } from '../../../src/server/verdicts/key';
import { verdictSigner } from '../../../src/server/verdicts/signer';
import { withVerdictTrust } from '../../../src/server/web/verdict-trust';
import { DEPLOYMENT_PLACEHOLDER, VERDICT_KEY_PLACEHOLDER } from '../../../src/core/signed/statement';
import { ManualClock } from '../../helpers/clock';
import { deployedTestApp } from '../api/fakes';

const DEPLOYMENT = 'https://sendguard.example';

function nodeVerifies(statement: SignedStatement, publicKey: string): boolean {
  const key = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') },
    format: 'jwk',
  });
  return verify(
    null,
    Buffer.from(statement.payload, 'latin1'),
    key,
    Buffer.from(statement.signature, 'base64'),
  );
}

async function signingApp() {
  const key = verdictKeyOf(randomBytes(32));
  const clock = new ManualClock();
  const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock });
  // As deployed: the sender signs in with an API token.
  const built = await deployedTestApp({ deps: { verdictSigner: signer, clock } });
  return { ...built, key, clock };
}

describe('signed verdicts', () => {
  test('each recipient of /assess is signed, in order, with its time, policy version and deployment', async () => {
    const { app, key, clock, authorization } = await signingApp();
    clock.advance(90_000);
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: { authorization },
      payload: { recipients: ['ann@partner.example', 'clerk@example.gov', 'not an address'] },
    });
    const answer = response.json();
    expect(answer.signed).toHaveLength(2);
    answer.signed.forEach((statement: SignedStatement, i: number) => {
      expect(nodeVerifies(statement, key.publicKey)).toBe(true);
      const fields = verifiedStatement(
        statement,
        { publicKey: key.publicKey, deployment: DEPLOYMENT },
        65536,
      )!;
      expect(fields).toMatchObject({
        kind: 'verdict',
        deployment: DEPLOYMENT,
        issuedAt: '2026-01-01T00:01:30.000Z',
        policyVersion: answer.policyVersion,
        recipient: { input: answer.recipients[i].input, address: answer.recipients[i].address },
      });
      // The armored key stays out of what the add-in keeps.
      expect(statement.payload).not.toContain('armoredKey');
      expect(statement.payload.length).toBeLessThan(SIGNED_LIMITS.verdictPayloadMax);
    });
    expect(answer.recipients[0].key.armoredKey).toBeDefined();
  });

  test('the same verdicts asked for again within a minute are handed out as first signed, never as fresher', () => {
    const key = verdictKeyOf(randomBytes(32));
    const clock = new ManualClock();
    const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock });
    // The key service hands out the assessment it keeps: the same object until it assesses the key again.
    const keys = {
      none: { address: 'a@b.example', verdict: 'none' as const, reasons: [] },
      valid: { address: 'a@b.example', verdict: 'valid' as const, reasons: [] },
    };
    const recipient = (verdict: keyof typeof keys) => ({
      input: 'a@b.example',
      address: 'a@b.example',
      domain: 'b.example',
      internal: false,
      key: keys[verdict],
    });
    const issued = (verdicts: ReturnType<typeof recipient>, policyVersion: string) => {
      const [statement] = signer.recipients([verdicts], policyVersion);
      const fields = verifiedStatement(
        statement!,
        { publicKey: key.publicKey, deployment: DEPLOYMENT },
        65536,
      );
      return (fields?.issuedAt as string | undefined)?.slice(14, 19);
    };
    const at = (seconds: number) =>
      clock.advance(seconds * 1000 - (clock.now() - Date.parse('2026-01-01T00:00:00Z')));
    expect(issued(recipient('none'), 'v1')).toBe('00:00');
    at(59);
    expect(issued(recipient('none'), 'v1')).toBe('00:00');
    // Other verdicts, the same under another policy version, or the key assessed again (a new assessment saying
    // the same): signed now.
    expect(issued(recipient('valid'), 'v1')).toBe('00:59');
    at(60);
    expect(issued(recipient('valid'), 'v1')).toBe('00:59');
    expect(issued(recipient('valid'), 'v2')).toBe('01:00');
    at(61);
    const reassessed = { ...recipient('valid'), key: { ...keys.valid } };
    expect(issued(reassessed, 'v2')).toBe('01:01');
    // Handed out again up to a minute after its signing, then signed anew.
    at(120);
    expect(issued(reassessed, 'v2')).toBe('01:01');
    at(121);
    expect(issued(reassessed, 'v2')).toBe('02:01');
    // A clock set back does not hand out what was signed "after" it.
    at(91);
    expect(issued(reassessed, 'v2')).toBe('01:31');
  });

  test('a payload is ASCII: a display name or reason in another script is escaped, and still verifies', () => {
    const key = verdictKeyOf(randomBytes(32));
    const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock: new ManualClock() });
    const [statement] = signer.recipients(
      [
        {
          input: 'Zoë <zoe@partner.example>',
          address: 'zoe@partner.example',
          domain: 'partner.example',
          internal: false,
          key: { address: 'zoe@partner.example', verdict: 'none', reasons: ['Schlüssel fehlt 🔑'] },
        },
      ],
      'v1',
    );
    expect(statement!.payload).toMatch(/^[\x20-\x7e]+$/);
    const fields = verifiedStatement(statement!, { publicKey: key.publicKey, deployment: DEPLOYMENT }, 65536);
    expect(fields).toMatchObject({ recipient: { input: 'Zoë <zoe@partner.example>' } });
  });

  test('one changed byte, another key, another deployment: not verified', () => {
    const key = verdictKeyOf(randomBytes(32));
    const trust = { publicKey: key.publicKey, deployment: DEPLOYMENT };
    const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock: new ManualClock() });
    const [statement] = signer.recipients(
      [
        {
          input: 'a@b.example',
          address: 'a@b.example',
          domain: 'b.example',
          internal: true,
          key: { address: 'a@b.example', verdict: 'none', reasons: [] },
        },
      ],
      'v1',
    );
    expect(verifiedStatement(statement!, trust, 65536)).toBeDefined();
    const changed = {
      ...statement!,
      payload: statement!.payload.replace('"internal":true', '"internal":false'),
    };
    expect(verifiedStatement(changed, trust, 65536)).toBeUndefined();
    const other = verdictKeyOf(randomBytes(32)).publicKey;
    expect(verifiedStatement(statement!, { ...trust, publicKey: other }, 65536)).toBeUndefined();
    expect(
      verifiedStatement(statement!, { ...trust, deployment: 'https://other.example' }, 65536),
    ).toBeUndefined();
    expect(verifiedStatement(statement!, trust, 10)).toBeUndefined();
    expect(verifiedStatement({ ...statement!, signature: 'AAAA' }, trust, 65536)).toBeUndefined();
  });

  test('the policy is served signed; its ETag covers the signature, and a 304 confirms it', async () => {
    const { app, key, authorization } = await signingApp();
    const first = await app.inject({ method: 'GET', url: '/api/v1/policy', headers: { authorization } });
    const body = first.json();
    expect(nodeVerifies(body.signed, key.publicKey)).toBe(true);
    expect(JSON.parse(body.signed.payload)).toEqual({
      kind: 'policy',
      deployment: DEPLOYMENT,
      version: body.version,
      policy: body.policy,
    });
    const unsigned = await deployedTestApp();
    const plain = await unsigned.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { authorization: unsigned.authorization },
    });
    expect(plain.json().signed).toBeUndefined();
    expect(plain.headers.etag).not.toBe(first.headers.etag);
    const again = await app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: { authorization, 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  test('the served send handler gets the public key and deployment written over its placeholders', () => {
    const code = `var k="${VERDICT_KEY_PLACEHOLDER}",d='${DEPLOYMENT_PLACEHOLDER}';`;
    const written = withVerdictTrust(code, { publicKey: 'AAAA+/==', deployment: "https://x.example/it's" });
    expect(written).toBe(`var k="AAAA+/==",d='https://x.example/it\\u0027s';`);
  });

  test('the key is derived from the decision key: the same for the same key, another for another, not it', () => {
    const decisionKey = randomBytes(32);
    const key = verdictKeyFrom(decisionKey);
    expect(verdictKeyFrom(Buffer.from(decisionKey)).publicKey).toBe(key.publicKey);
    expect(verdictKeyFrom(randomBytes(32)).publicKey).not.toBe(key.publicKey);
    const seed = key.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
    expect(seed.equals(decisionKey)).toBe(false);
    expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);
  });
});
