/**
 * The transport verdict (the vocabulary of docs/architecture.md), from what was learnt: each reachable MX address is
 * judged on its own, the worst reachable one decides, and each judgement carries a sentence a sender can read.
 */
import type { X509Certificate } from 'node:crypto';
import { worseTransport, type TransportVerdict } from '../../core/vocabulary';
import { matchTlsa } from './dane';
import type { DaneState } from './dane-lookup';
import type { StsStatus } from './mta-sts';
import { matchMx } from './mta-sts-parse';
import type { SmtpProbeEvidence } from './smtp-probe';
import type { CertificateFacts } from './tls-facts';
import type { TlsRptResultType } from './tls-rpt';

/** A judged address: a verdict, or `unreachable` — not counted, since senders move on to the next MX. */
type AddressVerdict = TransportVerdict | 'unreachable';

export interface AddressJudgement {
  verdict: AddressVerdict;
  reason: string;
  /** RFC 8460 §4.3 result type, for failures. */
  resultType?: TlsRptResultType;
  /** How the connection was (or failed to be) authenticated. */
  authentication?: 'dane' | 'mta-sts';
}

export interface AddressFacts {
  hostname: string;
  evidence: SmtpProbeEvidence;
  /** The presented certificates, leaf first: read only for DANE matching. */
  chain(): readonly X509Certificate[];
  dane: DaneState;
  sts: StsStatus;
  now: Date;
}

const UNREACHABLE: Partial<Record<SmtpProbeEvidence['outcome'], string>> = {
  timeout: 'did not answer in time',
  'connect-failed': 'refused the connection',
  tempfail: 'answered "try later" (4xx)',
  refused: 'refuses mail (5xx greeting)',
  'protocol-error': 'did not speak SMTP correctly',
  'not-allowed': 'is a private address, not probed (allow private addresses to probe it)',
};

const NO_TLS: Partial<Record<SmtpProbeEvidence['outcome'], string>> = {
  'no-starttls': 'does not offer STARTTLS',
  'tls-failed': 'offers STARTTLS, but no TLS handshake succeeds',
  'starttls-injection':
    'sent data right after agreeing to STARTTLS (response injection), so its TLS cannot be used',
};

/**
 * Secure TLSA records none of which an SMTP client may use count as no TLSA records at all (RFC 7672 §2.2): they
 * neither authenticate nor make TLS mandatory, so an MTA-STS policy can still apply.
 */
function enforcedBy(facts: AddressFacts): 'dane' | 'mta-sts' | undefined {
  if (facts.dane.state === 'secure') return 'dane';
  if (facts.sts.state === 'policy' && facts.sts.policy.mode === 'enforce') return 'mta-sts';
  return undefined;
}

const POLICY_NAMES = { dane: 'DNSSEC-signed TLSA records', 'mta-sts': 'an MTA-STS enforce policy' } as const;

function judgeDane(facts: AddressFacts, label: string, version: string): AddressJudgement {
  if (facts.dane.state !== 'secure') throw new Error('judgeDane needs secure TLSA records');
  const match = matchTlsa(facts.dane.records, facts.chain(), {
    mxHostname: facts.hostname,
    tlsaBaseDomain: facts.dane.baseDomain,
    now: facts.now,
  });
  if (match.matched) {
    const r = match.record;
    return {
      verdict: 'authenticated',
      reason: `${label} offers ${version}, authenticated by DANE (TLSA ${r.usage} ${r.selector} ${r.matchingType})`,
      authentication: 'dane',
    };
  }
  return {
    verdict: 'broken',
    reason: `${label}'s certificate fails its DNSSEC-signed TLSA records (${match.reason})`,
    resultType: match.reason === 'name-mismatch' ? 'certificate-host-mismatch' : 'validation-failure',
  };
}

function judgeSts(facts: AddressFacts, label: string, version: string): AddressJudgement {
  if (facts.sts.state !== 'policy') throw new Error('judgeSts needs a policy');
  const certificate = facts.evidence.tls?.certificate;
  if (!matchMx(facts.sts.policy.mx, facts.hostname)) {
    return {
      verdict: 'broken',
      reason: `the MTA-STS enforce policy does not list ${facts.hostname}`,
      resultType: 'validation-failure',
    };
  }
  if (!certificate?.trusted) {
    const why = certificate?.trustError ?? 'no certificate';
    return {
      verdict: 'broken',
      reason: `${label}'s certificate is not trusted (${why}), which its MTA-STS enforce policy requires`,
      resultType: why === 'CERT_HAS_EXPIRED' ? 'certificate-expired' : 'certificate-not-trusted',
    };
  }
  if (!certificate.nameMatches) {
    return {
      verdict: 'broken',
      reason: `${label}'s certificate does not name ${facts.hostname}, which its MTA-STS enforce policy requires`,
      resultType: 'certificate-host-mismatch',
    };
  }
  return {
    verdict: 'authenticated',
    reason: `${label} offers ${version}, authenticated by MTA-STS (enforce)`,
    authentication: 'mta-sts',
  };
}

function whyUnauthenticated(facts: AddressFacts): string {
  const { dane, sts } = facts;
  if (dane.state === 'insecure') return 'its TLSA records are not DNSSEC-signed, so they cannot be trusted';
  if (dane.state === 'failed') return dane.reason;
  const noDane =
    dane.state === 'unusable'
      ? `its ${dane.records} TLSA records are all of kinds SMTP cannot use (RFC 7672), so DANE does not apply`
      : undefined;
  switch (sts.state) {
    case 'policy':
      return [noDane, `its MTA-STS policy is in ${sts.policy.mode} mode`].filter(Boolean).join(', and ');
    case 'failed':
      return [noDane, `its MTA-STS policy could not be used: ${sts.reason}`].filter(Boolean).join(', and ');
    case 'none':
      // The MTA-STS reason says whether there is no record or an invalid one.
      return `${noDane ?? 'it has no DANE TLSA records'}, and ${sts.reason}`;
  }
}

const TRUST_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its chain ends in a self-signed certificate no one trusts',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not a trusted authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not a trusted authority',
};

/**
 * What the certificate would mean to a sender that checked it. It does not change an unauthenticated verdict
 * (opportunistic TLS takes any certificate), but it is what the domain has to fix before DANE or MTA-STS could
 * authenticate it, so the sender's reason names it.
 */
function certificateFinding(hostname: string, certificate: CertificateFacts | undefined): string {
  if (!certificate) return 'it shows no certificate';
  if (!certificate.trusted) {
    const code = certificate.trustError ?? 'unknown error';
    return `its certificate is not trusted: ${TRUST_ERRORS[code] ?? code} (${code})`;
  }
  if (certificate.nameMatches) return `its certificate is trusted and names ${hostname}`;
  if (certificate.sans.length === 0 && certificate.subject.split(', ').includes(`CN=${hostname}`)) {
    return `its certificate names ${hostname} only in the subject CN, with no subjectAltName, which does not count`;
  }
  const names = certificate.sans.slice(0, 3).join(', ') || 'no DNS name';
  return `its certificate is for ${names}${certificate.sans.length > 3 ? ', …' : ''}, not ${hostname}`;
}

export function judgeAddress(facts: AddressFacts): AddressJudgement {
  const { evidence } = facts;
  const label = `${facts.hostname} (${evidence.address})`;
  const unreachable = UNREACHABLE[evidence.outcome];
  if (unreachable) return { verdict: 'unreachable', reason: `${label} ${unreachable}` };
  const policy = enforcedBy(facts);
  // A DANE sender defers rather than trusts a host whose TLSA lookup failed (RFC 7672 §2.2).
  if (facts.dane.state === 'failed')
    return { verdict: 'unknown', reason: `${label}: ${facts.dane.reason}`, resultType: 'dnssec-invalid' };
  const noTls = NO_TLS[evidence.outcome];
  if (noTls || !evidence.tls) {
    const sentence = `${label} ${noTls ?? 'gave no TLS facts'}`;
    if (policy) {
      return {
        verdict: 'broken',
        reason: `${sentence}, although the domain publishes ${POLICY_NAMES[policy]}`,
        resultType: 'starttls-not-supported',
      };
    }
    return { verdict: 'none', reason: sentence, resultType: 'starttls-not-supported' };
  }
  const version = evidence.tls.version;
  const judged =
    policy === 'dane'
      ? judgeDane(facts, label, version)
      : policy === 'mta-sts'
        ? judgeSts(facts, label, version)
        : {
            verdict: 'encrypted' as const,
            reason: `${label} offers ${version}, but nothing authenticates it: ${whyUnauthenticated(facts)}; ${certificateFinding(facts.hostname, evidence.tls.certificate)}`,
          };
  if (evidence.tls.legacyOnly && judged.verdict !== 'broken') {
    return {
      verdict: 'weak',
      reason: `${label} offers only ${version} with legacy settings; TLS 1.2 or later fails`,
    };
  }
  return judged;
}

interface DomainJudgement {
  verdict: TransportVerdict;
  /** Worst first: the first one explains the verdict. */
  reasons: string[];
}

const ORDER: AddressVerdict[] = [
  'unknown',
  'broken',
  'none',
  'weak',
  'encrypted',
  'authenticated',
  'unreachable',
];

/**
 * The worst reachable address decides; `none` beside hosts with TLS is `partial` (the precedence in
 * docs/architecture.md).
 */
export function judgeDomain(
  judgements: readonly AddressJudgement[],
  unprobed: readonly string[] = [],
): DomainJudgement {
  const reachable = judgements.filter((j) => j.verdict !== 'unreachable') as Array<
    AddressJudgement & { verdict: TransportVerdict }
  >;
  const sorted = [...judgements].sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict));
  const reasons = [...new Set([...sorted.map((j) => j.reason), ...unprobed])];
  if (reachable.length === 0) {
    return { verdict: 'unknown', reasons: ['no mail server could be reached', ...reasons] };
  }
  let verdict = reachable.map((j) => j.verdict).reduce(worseTransport);
  if (verdict === 'none' && reachable.some((j) => j.verdict !== 'none')) verdict = 'partial';
  return { verdict, reasons };
}
