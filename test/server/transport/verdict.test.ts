import {
  judgeAddress,
  judgeDomain,
  type AddressFacts,
  type AddressJudgement,
} from '../../../src/server/transport/verdict';
import type { SmtpProbeEvidence } from '../../../src/server/transport/smtp-probe';
import type { StsStatus } from '../../../src/server/transport/mta-sts';
import type { DaneState } from '../../../src/server/transport/dane-lookup';

const NOW = new Date('2026-12-01T00:00:00Z');

function evidence(changes: Partial<SmtpProbeEvidence> = {}): SmtpProbeEvidence {
  return {
    mxHostname: 'mx.example.org',
    address: '192.0.2.1',
    port: 25,
    outcome: 'tls',
    extensions: ['STARTTLS'],
    starttls: true,
    legacyRetry: false,
    tls: {
      version: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      legacyOnly: false,
      extensions: [],
      requireTls: false,
      certificate: {
        subject: 'CN=mx.example.org',
        sans: ['mx.example.org'],
        issuer: 'CN=CA',
        notBefore: '2026-01-01T00:00:00.000Z',
        notAfter: '2027-01-01T00:00:00.000Z',
        spkiSha256: '00',
        trusted: true,
        nameMatches: true,
      },
    },
    timings: {},
    ...changes,
  };
}

const enforce: StsStatus = {
  state: 'policy',
  policy: { version: 'STSv1', mode: 'enforce', maxAge: 86400, mx: ['mx.example.org'] },
  id: '1',
  fromCache: false,
  fetchedAt: NOW.toISOString(),
  expiresAt: NOW.toISOString(),
};
const noPolicy: StsStatus = { state: 'none', reason: 'no record' };

function facts(changes: Partial<AddressFacts> = {}): AddressFacts {
  return {
    hostname: 'mx.example.org',
    evidence: evidence(),
    chain: () => [],
    dane: { state: 'none' },
    sts: noPolicy,
    now: NOW,
    ...changes,
  };
}

describe('the verdict of one MX address', () => {
  test('TLS ≥ 1.2 without DANE or MTA-STS is encrypted, and says why it is not authenticated', () => {
    const j = judgeAddress(facts());
    expect(j.verdict).toBe('encrypted');
    expect(j.reason).toContain('it has no DANE TLSA records, and no record');
  });

  test('RFC 8461 §5: enforce, a listed MX, a trusted certificate naming it → authenticated', () => {
    expect(judgeAddress(facts({ sts: enforce }))).toMatchObject({
      verdict: 'authenticated',
      authentication: 'mta-sts',
    });
  });

  test.each([
    ['an MX the policy does not list', { hostname: 'mx2.example.org' }, 'validation-failure'],
    [
      'an untrusted certificate',
      {
        evidence: evidence({
          tls: {
            ...evidence().tls!,
            certificate: {
              ...evidence().tls!.certificate!,
              trusted: false,
              trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
            },
          },
        }),
      },
      'certificate-not-trusted',
    ],
    [
      'an expired certificate',
      {
        evidence: evidence({
          tls: {
            ...evidence().tls!,
            certificate: { ...evidence().tls!.certificate!, trusted: false, trustError: 'CERT_HAS_EXPIRED' },
          },
        }),
      },
      'certificate-expired',
    ],
    [
      'a certificate for another name',
      {
        evidence: evidence({
          tls: { ...evidence().tls!, certificate: { ...evidence().tls!.certificate!, nameMatches: false } },
        }),
      },
      'certificate-host-mismatch',
    ],
    [
      'no STARTTLS',
      { evidence: evidence({ outcome: 'no-starttls', starttls: false, tls: undefined }) },
      'starttls-not-supported',
    ],
  ] as const)('RFC 8461 §5 / RFC 8460 §4.3: enforce with %s is broken', (_name, change, resultType) => {
    expect(judgeAddress(facts({ sts: enforce, ...change }))).toMatchObject({ verdict: 'broken', resultType });
  });

  test('testing mode never authenticates (RFC 8461 §5)', () => {
    const testing: StsStatus = {
      ...enforce,
      policy: { ...(enforce as any).policy, mode: 'testing' },
    } as StsStatus;
    expect(judgeAddress(facts({ sts: testing })).verdict).toBe('encrypted');
  });

  test('no STARTTLS without a policy is none; a failed handshake and response injection count as no TLS', () => {
    expect(
      judgeAddress(facts({ evidence: evidence({ outcome: 'no-starttls', tls: undefined }) })).verdict,
    ).toBe('none');
    expect(
      judgeAddress(facts({ evidence: evidence({ outcome: 'tls-failed', tls: undefined }) })).verdict,
    ).toBe('none');
    expect(
      judgeAddress(facts({ evidence: evidence({ outcome: 'starttls-injection', tls: undefined }) })).reason,
    ).toContain('injection');
  });

  test('only TLS below 1.2 works: weak, whatever else holds', () => {
    const legacy = evidence({ tls: { ...evidence().tls!, version: 'TLSv1', legacyOnly: true } });
    expect(judgeAddress(facts({ evidence: legacy })).verdict).toBe('weak');
    expect(judgeAddress(facts({ evidence: legacy, sts: enforce })).verdict).toBe('weak');
  });

  test('RFC 7672 §2.2: DANE records that failed to resolve make the host unknown, never trusted', () => {
    expect(
      judgeAddress(facts({ dane: { state: 'failed', reason: 'the TLSA lookup failed (SERVFAIL)' } })),
    ).toMatchObject({
      verdict: 'unknown',
      resultType: 'dnssec-invalid',
    });
  });

  test('RFC 7672 §2.2: DNSSEC-signed TLSA records and no STARTTLS is broken', () => {
    const dane: DaneState = {
      state: 'secure',
      records: [{ usage: 3, selector: 1, matchingType: 1, data: Buffer.alloc(32) }],
      baseDomain: 'mx.example.org',
      dropped: [],
    };
    expect(
      judgeAddress(facts({ dane, evidence: evidence({ outcome: 'no-starttls', tls: undefined }) })).verdict,
    ).toBe('broken');
  });

  test('TLSA records reached without DNSSEC are evidence only', () => {
    const j = judgeAddress(facts({ dane: { state: 'insecure', records: 1 } }));
    expect(j.verdict).toBe('encrypted');
    expect(j.reason).toContain('not DNSSEC-signed');
  });

  test('RFC 7672 §2.2: secure TLSA records that are all unusable count as none: MTA-STS decides, STARTTLS is optional', () => {
    const unusable: DaneState = { state: 'unusable', records: 2 };
    expect(judgeAddress(facts({ dane: unusable, sts: enforce }))).toMatchObject({
      verdict: 'authenticated',
      authentication: 'mta-sts',
    });
    const plain = judgeAddress(
      facts({ dane: unusable, evidence: evidence({ outcome: 'no-starttls', tls: undefined }) }),
    );
    expect(plain.verdict).toBe('none');
    const tls = judgeAddress(facts({ dane: unusable }));
    expect(tls).toMatchObject({ verdict: 'encrypted' });
    expect(tls.reason).toContain('2 TLSA records are all of kinds SMTP cannot use');
  });

  const certificate = evidence().tls!.certificate!;
  test.each([
    [{ trusted: false, trustError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'not trusted: it is self-signed'],
    [{ trusted: false, trustError: 'CERT_HAS_EXPIRED' }, 'not trusted: it has expired'],
    [{ trusted: false, trustError: 'SOME_NEW_CODE' }, 'not trusted: SOME_NEW_CODE'],
    [{ nameMatches: false, sans: ['other.example.net'] }, 'for other.example.net, not mx.example.org'],
    [{ nameMatches: false, sans: [] }, 'names mx.example.org only in the subject CN'],
    [{}, 'trusted and names mx.example.org'],
  ])('an unauthenticated verdict names the certificate finding (%o)', (change, words) => {
    const tls = { ...evidence().tls!, certificate: { ...certificate, ...change } };
    const j = judgeAddress(facts({ evidence: evidence({ tls }) }));
    expect(j.verdict).toBe('encrypted');
    expect(j.reason).toContain(words);
  });

  test.each(['timeout', 'connect-failed', 'tempfail', 'refused', 'protocol-error', 'not-allowed'] as const)(
    'an MX whose probe ended with %s is unreachable, not counted',
    (outcome) => {
      expect(judgeAddress(facts({ evidence: evidence({ outcome, tls: undefined }) })).verdict).toBe(
        'unreachable',
      );
    },
  );
});

describe('the verdict of a domain: the worst reachable MX decides', () => {
  const j = (verdict: AddressJudgement['verdict'], reason: string = verdict): AddressJudgement => ({
    verdict,
    reason,
  });

  test('precedence: unknown > broken > none > partial > weak > encrypted > authenticated', () => {
    expect(judgeDomain([j('authenticated'), j('encrypted')]).verdict).toBe('encrypted');
    expect(judgeDomain([j('encrypted'), j('weak')]).verdict).toBe('weak');
    expect(judgeDomain([j('weak'), j('broken'), j('none')]).verdict).toBe('broken');
    expect(judgeDomain([j('broken'), j('unknown')]).verdict).toBe('unknown');
  });

  test('some MX with TLS and some without is partial; all without is none', () => {
    expect(judgeDomain([j('encrypted'), j('none')]).verdict).toBe('partial');
    expect(judgeDomain([j('none'), j('none')]).verdict).toBe('none');
  });

  test('unreachable MX are left out, and reported; none reachable is unknown', () => {
    const partlyDown = judgeDomain([j('unreachable', 'mx2 did not answer'), j('authenticated', 'mx1 ok')]);
    expect(partlyDown).toEqual({ verdict: 'authenticated', reasons: ['mx1 ok', 'mx2 did not answer'] });
    expect(judgeDomain([j('unreachable', 'mx1 did not answer')])).toEqual({
      verdict: 'unknown',
      reasons: ['no mail server could be reached', 'mx1 did not answer'],
    });
  });

  test('the first reason explains the verdict (worst first)', () => {
    expect(judgeDomain([j('encrypted', 'mx1 ok-ish'), j('none', 'mx2 has no STARTTLS')]).reasons[0]).toBe(
      'mx2 has no STARTTLS',
    );
  });
});
