/**
 * What a completed TLS handshake tells about an MX: protocol, cipher, key exchange, and the certificate it
 * presented — trusted or not, and whether it names the MX. Nothing here refuses a connection; it records.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { matchesNamePattern } from './name-pattern';
import { certificateSpki } from './spki';

export interface CertificateFacts {
  subject: string;
  /** The subjectAltName dNSName entries, as presented. */
  sans: string[];
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** SHA-256 of the leaf's DER SubjectPublicKeyInfo, lower-case hex (the DANE 3 1 1 value). */
  spkiSha256: string;
  /** The chain verifies to Node's root store or the configured CA; the name is judged by `nameMatches` alone. */
  trusted: boolean;
  /** OpenSSL's verification error code (`CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`…). */
  trustError?: string;
  nameMatches: boolean;
}

export interface TlsFacts {
  version: string;
  cipher: string;
  /** Key-exchange group (`X25519`, `prime256v1`) or finite-field size (`DH 2048`); absent for RSA key transport. */
  group?: string;
  /** Only the legacy attempt (TLS 1.0/1.1, any cipher) completed a handshake. */
  legacyOnly: boolean;
  /** Absent when the server presented no certificate (anonymous cipher suites). */
  certificate?: CertificateFacts;
}

/** The certificates a server presented: its leaf read at once, the rest only when asked for (DANE-TA alone). */
export interface PresentedChain {
  leaf: X509Certificate | undefined;
  /** The whole chain, leaf first ([] without a certificate); parsed on the first call. */
  all(): readonly X509Certificate[];
}

/** More certificates than any real server sends: the rest of a longer chain is neither walked nor looked at. */
export const MAX_CHAIN = 10;

/**
 * The certificates the server presented, from Node's links from each to the next one the server sent
 * (`issuerCertificate`): unlike `getPeerCertificate(true)`, nothing from the local trust store is added, and
 * nothing is looked up there. A certificate sent twice, or one linked to itself, ends the walk.
 */
export function peerChain(socket: TLSSocket): PresentedChain {
  const leaf = socket.getPeerX509Certificate();
  let all: readonly X509Certificate[] | undefined;
  const walk = (): X509Certificate[] => {
    const chain: X509Certificate[] = [];
    const seen = new Set<string>();
    for (let cert = leaf; cert && !seen.has(cert.fingerprint256) && chain.length < MAX_CHAIN;) {
      seen.add(cert.fingerprint256);
      chain.push(cert);
      cert = cert.issuerCertificate;
    }
    return chain;
  };
  return { leaf, all: () => (all ??= walk()) };
}

// Node quotes an entry (JSON-style) when its value holds a comma, quote or similar; it must be consumed as a whole
// so that a crafted value cannot pose as a second entry.
const SAN_ENTRY = /(?:^|, )([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;

/**
 * The dNSName entries of a certificate. Quoted entries are skipped: a name that needs quoting holds characters no
 * host name has, so it could never match.
 */
export function sanDnsNames(cert: X509Certificate): string[] {
  const names: string[] = [];
  for (const [, type, value = ''] of (cert.subjectAltName ?? '').matchAll(SAN_ENTRY)) {
    if (type === 'DNS' && !value.startsWith('"')) names.push(value);
  }
  return names;
}

/**
 * A SAN dNSName against the MX name, by the one wildcard rule (name-pattern.ts). `hostname` must already be a
 * lower-case A-label; SAN entries are compared case-insensitively and must be ASCII (A-labels) to match at all.
 */
export function dnsNameMatches(presented: string, hostname: string): boolean {
  return /^[\x21-\x7e]+$/.test(presented) && matchesNamePattern(presented.toLowerCase(), hostname);
}

function spkiSha256(cert: X509Certificate): string {
  return createHash('sha256').update(certificateSpki(cert)).digest('hex');
}

/** Node's multi-line distinguished names on one line. */
function oneLine(name: string): string {
  return name.split('\n').join(', ');
}

/** Node sets `authorizationError` to the OpenSSL code string although its type says Error. */
function trustErrorOf(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  return error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
}

function certificateFacts(leaf: X509Certificate, socket: TLSSocket, hostname: string): CertificateFacts {
  const sans = sanDnsNames(leaf);
  const trustError = socket.authorized ? undefined : trustErrorOf(socket.authorizationError);
  return {
    subject: oneLine(leaf.subject),
    sans,
    issuer: oneLine(leaf.issuer),
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    spkiSha256: spkiSha256(leaf),
    trusted: socket.authorized,
    ...(trustError === undefined ? {} : { trustError }),
    nameMatches: sans.some((name) => dnsNameMatches(name, hostname)),
  };
}

function groupOf(socket: TLSSocket): string | undefined {
  const info = socket.getEphemeralKeyInfo() as { type?: string; name?: string; size?: number } | null;
  if (info?.name) return info.name;
  return info?.type === 'DH' ? `DH ${info.size}` : undefined;
}

/** The facts of an established TLS session; `leaf` is `peerChain(socket).leaf`. */
export function tlsFacts(
  socket: TLSSocket,
  leaf: X509Certificate | undefined,
  hostname: string,
  legacyOnly: boolean,
): TlsFacts {
  const group = groupOf(socket);
  return {
    version: socket.getProtocol() ?? 'unknown',
    cipher: socket.getCipher().name,
    ...(group === undefined ? {} : { group }),
    legacyOnly,
    ...(leaf === undefined ? {} : { certificate: certificateFacts(leaf, socket, hostname) }),
  };
}
