/**
 * DANE TLSA matching for SMTP (RFC 7672, with RFC 7671 and RFC 6698). Pure: the caller brings the TLSA RRset,
 * which must come from a DNSSEC-secure answer (an insecure one authenticates nothing, RFC 7672 §2.2), and the
 * certificates the MX presented, leaf first.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { foldCase } from '../dns/names';
import type { TlsaRecord } from '../dns';
import { certificateSpki } from './spki';
import { dnsNameMatches, MAX_CHAIN, sanDnsNames } from './tls-facts';

const DANE_TA = 2;
const DANE_EE = 3;
type DaneUsage = typeof DANE_TA | typeof DANE_EE;

/** Selector (RFC 6698 §2.1.2) → the bytes of a certificate that a record covers. */
const SELECTORS: Record<number, (cert: X509Certificate) => Buffer> = {
  0: (cert) => cert.raw,
  1: certificateSpki,
};

/** Matching type (RFC 6698 §2.1.3) → the digest it compares, with its length; 0 compares the bytes themselves. */
const MATCHING_TYPES: Record<number, { digest?: string; length?: number }> = {
  0: {},
  1: { digest: 'sha256', length: 32 },
  2: { digest: 'sha512', length: 64 },
};

type TlsaDropReason =
  /** Usages 0 and 1 (PKIX-TA, PKIX-EE) are not used for SMTP: MX have no shared CA trust (RFC 7672 §3.1.3). */
  | 'pkix-usage'
  | 'unknown-usage'
  | 'unknown-selector'
  | 'unknown-matching-type'
  /** A SHA-256 or SHA-512 record whose data has another length can never match. */
  | 'bad-digest-length';

export interface UsableTlsa {
  usable: TlsaRecord[];
  dropped: Array<{ record: TlsaRecord; reason: TlsaDropReason }>;
}

/** Splits an RRset into the records RFC 7672 lets an SMTP client use and the rest, each with why. */
export function usableTlsa(records: readonly TlsaRecord[]): UsableTlsa {
  const result: UsableTlsa = { usable: [], dropped: [] };
  for (const record of records) {
    const reason = dropReason(record);
    if (reason === undefined) result.usable.push(record);
    else result.dropped.push({ record, reason });
  }
  return result;
}

function dropReason(record: TlsaRecord): TlsaDropReason | undefined {
  if (record.usage === 0 || record.usage === 1) return 'pkix-usage';
  if (record.usage !== DANE_TA && record.usage !== DANE_EE) return 'unknown-usage';
  if (SELECTORS[record.selector] === undefined) return 'unknown-selector';
  const matching = MATCHING_TYPES[record.matchingType];
  if (matching === undefined) return 'unknown-matching-type';
  if (matching.length !== undefined && record.data.length !== matching.length) return 'bad-digest-length';
  return undefined;
}

/**
 * Why no record authenticated the server, from least to most progress: the reason reported is the furthest any
 * record got, since that is the one an operator has to fix.
 */
const FAILURES = [
  'no-match',
  /** A DANE-TA record matched a presented certificate, but the leaf does not chain up to it by valid signatures. */
  'not-issued-by-anchor',
  /** The path to the trust anchor holds a certificate outside its validity dates. */
  'not-valid-now',
  /** Authenticated by DANE-TA, but for other names than the MX hostname or TLSA base domain. */
  'name-mismatch',
] as const;
type Failure = (typeof FAILURES)[number];

type TlsaMatch =
  | { matched: true; usage: DaneUsage; record: TlsaRecord }
  | { matched: false; reason: 'no-usable-records' | 'no-certificate' | Failure };

interface TlsaMatchOptions {
  mxHostname: string;
  /** The MX hostname after (DNSSEC-secure) CNAME expansion, when that is where the TLSA records were found. */
  tlsaBaseDomain?: string;
  now: Date;
}

/** Whether any usable record authenticates the presented chain (RFC 7672 §3.1). */
export function matchTlsa(
  records: readonly TlsaRecord[],
  chain: readonly X509Certificate[],
  options: TlsaMatchOptions,
): TlsaMatch {
  const { usable } = usableTlsa(records);
  if (usable.length === 0) return { matched: false, reason: 'no-usable-records' };
  const [leaf] = chain;
  if (leaf === undefined) return { matched: false, reason: 'no-certificate' };
  let furthest: Failure = 'no-match';
  for (const record of usable) {
    const failure = record.usage === DANE_EE ? matchEe(record, leaf) : matchTa(record, chain, options);
    if (failure === undefined) return { matched: true, usage: record.usage as DaneUsage, record };
    if (FAILURES.indexOf(failure) > FAILURES.indexOf(furthest)) furthest = failure;
  }
  return { matched: false, reason: furthest };
}

/** RFC 7672 §3.1.1: DANE-EE binds the key or certificate alone; names and dates do not matter. */
function matchEe(record: TlsaRecord, leaf: X509Certificate): Failure | undefined {
  return covers(record, leaf) ? undefined : 'no-match';
}

/**
 * RFC 7672 §3.1.2 and §3.2: DANE-TA makes a presented issuer certificate a trust anchor. The leaf must chain up
 * to it with valid signatures, every certificate below the anchor be within its dates (RFC 5280 §6.1.3; the anchor's
 * own dates are its publisher's business), and the leaf name one of the reference identifiers (§3.2.3).
 */
function matchTa(
  record: TlsaRecord,
  chain: readonly X509Certificate[],
  options: TlsaMatchOptions,
): Failure | undefined {
  const [leaf, ...issuers] = chain.slice(0, MAX_CHAIN) as [X509Certificate, ...X509Certificate[]];
  const anchors = issuers.filter((cert) => covers(record, cert));
  if (anchors.length === 0) return 'no-match';
  const paths = anchors
    .map((anchor) => pathToAnchor(leaf, anchor, issuers))
    .filter((path): path is X509Certificate[] => path !== undefined);
  if (paths.length === 0) return 'not-issued-by-anchor';
  if (!paths.some((path) => path.every((cert) => validAt(cert, options.now)))) return 'not-valid-now';
  const referenceIds = [options.mxHostname, options.tlsaBaseDomain].flatMap((name) =>
    name ? [canonical(name)] : [],
  );
  // Only dNSName entries count: RFC 7672 §3.2.3 still lets a subject CN stand in, a legacy form not accepted here.
  if (!sanDnsNames(leaf).some((pattern) => referenceIds.some((host) => dnsNameMatches(pattern, host)))) {
    return 'name-mismatch';
  }
  return undefined;
}

/** Whether the record's association data is this certificate's (RFC 6698 §2.1). */
function covers(record: TlsaRecord, cert: X509Certificate): boolean {
  const selected = (SELECTORS[record.selector] as (cert: X509Certificate) => Buffer)(cert);
  const { digest } = MATCHING_TYPES[record.matchingType] ?? {};
  const data = digest === undefined ? selected : createHash(digest).update(selected).digest();
  return data.equals(record.data);
}

/**
 * The certificates from the leaf up to, not including, the anchor. Breadth-first over the presented issuers, so
 * a chain sent out of order (TLS 1.3 allows it, RFC 8446 §4.4.2) still builds and each certificate is expanded once.
 */
function pathToAnchor(
  leaf: X509Certificate,
  anchor: X509Certificate,
  issuers: readonly X509Certificate[],
): X509Certificate[] | undefined {
  const pool = issuers.filter((cert) => cert !== anchor);
  // Each certificate reached, with its path from the leaf. A Map iterates entries added while iterating: it is
  // the breadth-first queue.
  const below = new Map<X509Certificate, X509Certificate[]>([[leaf, [leaf]]]);
  for (const [cert, path] of below) {
    if (issuedBy(cert, anchor)) return path;
    for (const issuer of pool) {
      if (!below.has(issuer) && issuedBy(cert, issuer)) below.set(issuer, [...path, issuer]);
    }
  }
  return undefined;
}

/**
 * `issuer` names `cert`'s issuer and signed it, and may sign certificates at all (basic constraints cA, RFC 5280
 * §4.2.1.9): otherwise a server's own leaf key could mint certificates for any name.
 */
function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return issuer.ca && cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false; // a key or signature algorithm OpenSSL cannot use verifies nothing
  }
}

function validAt(cert: X509Certificate, now: Date): boolean {
  const time = now.getTime();
  return Date.parse(cert.validFrom) <= time && time <= Date.parse(cert.validTo);
}

function canonical(name: string): string {
  return foldCase(name).replace(/\.$/, '');
}
