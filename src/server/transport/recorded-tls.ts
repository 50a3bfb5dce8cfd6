/**
 * A TLS handshake that records rather than refuses: the certificate's trust and name are evidence for a verdict,
 * not reasons to stop looking. Shared by the STARTTLS probe of MX hosts and the mailbox-access probes (IMAP, POP3,
 * submission), over STARTTLS or from the first byte.
 */
import { constants as cryptoConstants } from 'node:crypto';
import type tls from 'node:tls';
import type { ProbeFailure } from '../net/probe-connection';
import { lightIdentityCertificate } from '../net/identity-certificate';
import { contextTrusting, MODERN_TLS } from '../net/trust';
import { peerChain, tlsFacts, type PresentedChain, type TlsFacts } from './tls-facts';

/** `modern`: TLS 1.2 at least; `legacy`: the second attempt at a server that refused it. */
export type TlsProfile = 'modern' | 'legacy';

const TLS_PROFILES: Record<TlsProfile, Readonly<tls.SecureContextOptions>> = {
  modern: MODERN_TLS,
  // What an old-fashioned client would still accept. SECLEVEL=0 also admits SHA-1 signatures and short keys in
  // chain verification, so trust judged in this profile is lenient; it never makes an MX `authenticated` anyway.
  legacy: {
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
    secureOptions: cryptoConstants.SSL_OP_LEGACY_SERVER_CONNECT,
  },
};

/**
 * Handshake errors by which OpenSSL refuses an old server (protocol version, ciphers, DH size, missing RFC 5746
 * renegotiation support) rather than a broken one; only these are worth a legacy attempt.
 */
const LEGACY_HINTS = new Set([
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
  'ERR_SSL_UNSUPPORTED_PROTOCOL',
  'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
  'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
  'ERR_SSL_DH_KEY_TOO_SMALL',
  'ERR_SSL_UNSAFE_LEGACY_RENEGOTIATION_DISABLED',
]);

/** Whether a probe's failure was a modern handshake refused by an old server: then a legacy attempt is worth it. */
function needsLegacyAttempt(failure: ProbeFailure | undefined): boolean {
  const cause = failure?.cause as NodeJS.ErrnoException | undefined;
  return failure?.outcome === 'tls-failed' && failure.phase === 'tls' && LEGACY_HINTS.has(cause?.code ?? '');
}

/**
 * A probe's attempt with TLS 1.2 at least, and a second one with old versions allowed when the server refused the
 * first handshake as too new for it (whether TLS is required does not depend on its version). `replaced` is the
 * first attempt when the second took its place.
 */
export async function withLegacyRetry<Attempt extends { failure?: ProbeFailure }>(
  attempt: (profile: TlsProfile) => Promise<Attempt>,
): Promise<{ final: Attempt; replaced?: Attempt }> {
  const first = await attempt('modern');
  if (!needsLegacyAttempt(first.failure)) return { final: first };
  return { final: await attempt('legacy'), replaced: first };
}

export interface RecordedTlsOptions {
  /** The name sent in SNI and judged against the certificate's SAN dNSName entries (a lower-case A-label). */
  hostname: string;
  /** Extra trust roots, trusted with Node's bundled ones; absent for the bundled roots alone. */
  ca?: Buffer | string;
  /** Protocol versions and ciphers: `modern` (TLS 1.2 at least) unless given; `legacy` is recorded in the facts. */
  profile?: TlsProfile;
}

export interface RecordedTls {
  presented: PresentedChain;
  facts: TlsFacts;
}

/**
 * Runs `startTls` (a probe connection's handshake, which hands its TLS socket to `prepare` before the handshake)
 * with the recording identity check, and reads the facts of the session it established.
 */
export async function recordedHandshake(
  startTls: (
    options: tls.ConnectionOptions,
    prepare: (socket: tls.TLSSocket) => void,
  ) => Promise<tls.TLSSocket>,
  options: RecordedTlsOptions,
): Promise<RecordedTls> {
  // One context per trust store and profile for the whole process: building one is most of a handshake's cost.
  const profile = options.profile ?? 'modern';
  const secureContext = contextTrusting(options.ca, TLS_PROFILES[profile]);
  const socket = await startTls({ secureContext, ...recordingIdentity(options.hostname) }, (socket) =>
    lightIdentityCertificate(socket, 'nothing'),
  );
  const presented = peerChain(socket);
  const facts = tlsFacts(socket, presented.leaf, options.hostname, profile === 'legacy');
  return { presented, facts };
}

/**
 * SNI names the host; the certificate is recorded, not enforced. Node's host name check is switched off so that
 * `authorized` reports the chain alone: the name is judged by SAN dNSName only (tls-facts), because
 * `checkServerIdentity` still accepts a certificate whose only name is its CN. It is handed nothing
 * (identity-certificate.ts): the certificate is read once, after the handshake (`peerChain`).
 */
function recordingIdentity(hostname: string): tls.ConnectionOptions {
  return { servername: hostname, rejectUnauthorized: false, checkServerIdentity: () => undefined };
}
