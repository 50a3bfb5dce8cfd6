/**
 * A TLS handshake that records rather than refuses: the certificate's trust and name are evidence for a verdict,
 * not reasons to stop looking. Shared by the STARTTLS probe of MX hosts and the mailbox-access probes (IMAP, POP3,
 * submission), over STARTTLS or from the first byte.
 */
import type tls from 'node:tls';
import { contextTrusting, MODERN_TLS } from '../net/trust';
import { peerChain, tlsFacts, type PresentedChain, type TlsFacts } from './tls-facts';

export interface RecordedTlsOptions {
  /** The name sent in SNI and judged against the certificate's SAN dNSName entries (a lower-case A-label). */
  hostname: string;
  /** Extra trust roots, trusted with Node's bundled ones; absent for the bundled roots alone. */
  ca?: Buffer | string;
  /** Protocol versions and ciphers; TLS 1.2 at least unless given. */
  profile?: Readonly<tls.SecureContextOptions>;
  /** The handshake only completed with the legacy profile (TLS 1.0/1.1): recorded in the facts. */
  legacyOnly?: boolean;
}

export interface RecordedTls {
  socket: tls.TLSSocket;
  presented: PresentedChain;
  facts: TlsFacts;
}

/**
 * Runs `startTls` (a probe connection's handshake) with the recording identity check, and reads the facts of the
 * session it established.
 */
export async function recordedHandshake(
  startTls: (options: tls.ConnectionOptions) => Promise<tls.TLSSocket>,
  options: RecordedTlsOptions,
): Promise<RecordedTls> {
  const identity = recordedIdentity(options.hostname);
  // One context per trust store and profile for the whole process: building one is most of a handshake's cost.
  const secureContext = contextTrusting(options.ca, options.profile ?? MODERN_TLS);
  const socket = await startTls({ secureContext, ...identity.options });
  const presented = peerChain(socket, identity.presented());
  const facts = tlsFacts(socket, presented.leaf, options.hostname, options.legacyOnly ?? false);
  return { socket, presented, facts };
}

/**
 * SNI names the host; the certificate is recorded, not enforced. Node's host name check is switched off so that
 * `authorized` reports the chain alone: the name is judged by SAN dNSName only (tls-facts), because
 * `checkServerIdentity` still accepts a certificate whose only name is its CN. Node hands that check the detailed
 * peer certificate when the chain verified; it is kept, so the chain is not built a second time.
 */
function recordedIdentity(hostname: string) {
  let presented: tls.DetailedPeerCertificate | undefined;
  const options: tls.ConnectionOptions = {
    servername: hostname,
    rejectUnauthorized: false,
    checkServerIdentity: (_name, cert) => void (presented = cert as tls.DetailedPeerCertificate),
  };
  return { options, presented: () => presented };
}
