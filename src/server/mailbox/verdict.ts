/**
 * From probe results to words: each endpoint's verdict and the sentences that explain it, then the domain's. The
 * domain takes the worst of the endpoints that answered (plaintext > tls-offered > tls-only); `unknown` when
 * nothing is advertised or recognised, or nothing advertised answered.
 */
import type { MailboxAccessVerdict } from '../../core/vocabulary';
import type { TlsFacts } from '../transport/tls-facts';
import type { AccessProbeResult } from './access-probe';
import { endpointName, type Endpoint } from './endpoints';
import type { AccessProtocol } from './report';

const PROTOCOL_NAMES: Record<AccessProtocol, string> = {
  imap: 'IMAP',
  pop3: 'POP3',
  submission: 'submission',
};
const STARTTLS_NAMES: Record<AccessProtocol, string> = {
  imap: 'STARTTLS',
  pop3: 'STLS',
  submission: 'STARTTLS',
};
/** What a mail client does at an endpoint of each protocol. */
const USES: Record<AccessProtocol, string> = {
  imap: 'read mail',
  pop3: 'fetch mail',
  submission: 'send mail',
};

export interface Judgement {
  verdict: MailboxAccessVerdict;
  reasons: string[];
}

/**
 * `imap.example.org:143 (IMAP) at 192.0.2.1`: how a failure names the endpoint, as which protocol and which of the
 * host's addresses failed matters to whoever looks into it. Findings name `host:port` alone.
 */
function failing(endpoint: Endpoint, address: string | undefined): string {
  const at = address === undefined ? '' : ` at ${address}`;
  return `${endpointName(endpoint)} (${PROTOCOL_NAMES[endpoint.protocol]})${at}`;
}

/** What went wrong with a certificate, in words that follow "requires TLS, but "; undefined when nothing did. */
function certificateProblem(tls: TlsFacts, host: string): string | undefined {
  const certificate = tls.certificate;
  if (!certificate) return 'presented no certificate';
  const problems: string[] = [];
  if (certificate.trustError === 'CERT_HAS_EXPIRED')
    problems.push(`expired on ${certificate.notAfter.slice(0, 10)}`);
  else if (certificate.trustError === 'CERT_NOT_YET_VALID') problems.push('is not valid yet');
  else if (
    certificate.trustError === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    certificate.trustError === 'SELF_SIGNED_CERT_IN_CHAIN'
  )
    problems.push('is self-signed');
  else if (!certificate.trusted)
    problems.push(`is not issued by a trusted authority (${certificate.trustError ?? 'unverified'})`);
  if (!certificate.nameMatches) problems.push(`does not name ${host}`);
  return problems.length > 0 ? `its certificate ${problems.join(' and ')}` : undefined;
}

/** What is wrong with the TLS an endpoint speaks: its certificate, or a protocol version below 1.2. */
function tlsReasons(endpoint: Endpoint, tls: TlsFacts | undefined, verdict: MailboxAccessVerdict): string[] {
  if (!tls) return [];
  const reasons: string[] = [];
  const stance = verdict === 'tls-only' ? 'requires' : 'offers';
  const problem = certificateProblem(tls, endpoint.host);
  if (problem) {
    reasons.push(
      `${endpointName(endpoint)} ${stance} TLS, but ${problem}: mail clients warn, and a user who ` +
        'accepts the warning can be intercepted',
    );
  }
  if (tls.legacyOnly) {
    reasons.push(
      `${endpointName(endpoint)} ${stance} TLS, but only below TLS 1.2 (${tls.version}): up-to-date mail clients ` +
        'cannot connect, and older ones use a protocol version with known weaknesses',
    );
  }
  return reasons;
}

/** Why a probe learnt nothing, or what failed after it learnt enough. */
function failureText(probe: AccessProbeResult, protocol: AccessProtocol): string {
  const detail = probe.error ? `: ${probe.error.message}` : '';
  if (probe.error?.phase === 'starttls') {
    // The server's answer to STARTTLS/STLS itself, before any handshake: a refusal, not a failed handshake.
    const starttls = STARTTLS_NAMES[protocol];
    if (probe.outcome === 'tempfail') return `answered ${starttls} with a temporary error${detail}`;
    if (probe.outcome === 'tls-failed' || probe.outcome === 'refused')
      return `refused ${starttls} (${probe.error.message})`;
  }
  switch (probe.outcome) {
    case 'not-allowed':
      return `may not be probed${detail}`;
    case 'connect-failed':
      return `refused the connection or could not be reached${detail}`;
    case 'timeout':
      return `did not answer in time${detail}`;
    case 'refused':
      return `turned the connection away${detail}`;
    case 'tls-failed':
      return `failed the TLS handshake${detail}`;
    case 'tempfail':
      return `answered with a temporary error${detail}`;
    case 'starttls-injection':
      return `sent data after its go-ahead for TLS and before the handshake, as an attacker injecting commands would${detail}`;
    default:
      return `broke the protocol${detail}`;
  }
}

/** The verdict of one endpoint at one address; `probe` is undefined when it was not probed in time. */
export function judgeEndpoint(endpoint: Endpoint, probe: AccessProbeResult | undefined): Judgement {
  const name = endpointName(endpoint);
  if (endpoint.plainIn !== undefined) {
    // The file itself tells clients to send passwords in the clear, whatever the server would also offer.
    return {
      verdict: 'plaintext',
      reasons: [
        `${name} is given to mail clients as their ${PROTOCOL_NAMES[endpoint.protocol]} server without TLS ` +
          `(socketType plain) by ${endpoint.plainIn}: passwords and mail of clients set up from it cross the ` +
          'network in the clear',
      ],
    };
  }
  if (!probe) {
    return {
      verdict: 'unknown',
      reasons: [`${failing(endpoint, undefined)} was not probed before the deadline`],
    };
  }
  const failed = failing(endpoint, probe.address);
  if (endpoint.security === 'implicit') {
    if (!probe.tls)
      return { verdict: 'unknown', reasons: [`${failed} ${failureText(probe, endpoint.protocol)}`] };
    const after =
      probe.outcome === 'tls'
        ? []
        : [`${failed} completed the TLS handshake but then ${failureText(probe, endpoint.protocol)}`];
    return {
      verdict: 'tls-only',
      reasons: [...tlsReasons(endpoint, probe.tls, 'tls-only'), ...after],
    };
  }
  return judgeStartTls(endpoint, probe, failed);
}

function judgeStartTls(endpoint: Endpoint, probe: AccessProbeResult, failed: string): Judgement {
  const starttls = STARTTLS_NAMES[endpoint.protocol];
  const name = endpointName(endpoint);
  if (probe.starttls === undefined)
    return { verdict: 'unknown', reasons: [`${failed} ${failureText(probe, endpoint.protocol)}`] };
  if (probe.preauth) {
    return {
      verdict: 'plaintext',
      reasons: [
        `${name} lets clients in without a login and without TLS (PREAUTH): mail is read in the clear`,
      ],
    };
  }
  if (!probe.starttls) {
    // Still plaintext: nothing on an endpoint users are told to use is protected by TLS, even if no login works.
    const reason = probe.plaintextLogin
      ? `${name} offers no ${starttls}: mail clients log in and ${USES[endpoint.protocol]} there without TLS`
      : `${name} offers no ${starttls} and refuses logins without it: mail clients set up for it cannot log in ` +
        'there, and nothing on it is protected by TLS';
    return { verdict: 'plaintext', reasons: [reason] };
  }
  const verdict = probe.plaintextLogin ? 'tls-offered' : 'tls-only';
  const first =
    verdict === 'tls-offered'
      ? `${name} lets mail clients log in before ${starttls}: mail clients set to '${starttls} if available' can ` +
        'be made to log in without TLS'
      : undefined;
  const after =
    probe.outcome === 'tls'
      ? []
      : [`${failed} offers ${starttls}, but ${failureText(probe, endpoint.protocol)}`];
  return {
    verdict,
    reasons: [...(first ? [first] : []), ...tlsReasons(endpoint, probe.tls, verdict), ...after],
  };
}

const RANK: Record<MailboxAccessVerdict, number> = {
  unknown: 0,
  'tls-only': 1,
  'tls-offered': 2,
  plaintext: 3,
};

/** The worst verdict among those that are known; `unknown` when none is. */
export function worstKnown(verdicts: readonly MailboxAccessVerdict[]): MailboxAccessVerdict {
  return verdicts.reduce<MailboxAccessVerdict>(
    (worst, verdict) => (RANK[verdict] > RANK[worst] ? verdict : worst),
    'unknown',
  );
}
