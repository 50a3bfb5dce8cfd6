/**
 * The SubjectPublicKeyInfo of a certificate (RFC 5280 §4.1), as the DER bytes it holds: what DANE selector 1
 * covers (RFC 6698 §2.1.2) and what the TLS evidence hashes. Taken from the certificate as it is, which is also
 * what OpenSSL's own DANE matching hashes, rather than exported from Node's key object: that re-encodes the key
 * through OpenSSL 3's encoder machinery, about half a millisecond per certificate.
 *
 * The walk reads only the TBSCertificate's leading fields in DER, checking each length against what holds it. A
 * certificate Node has parsed need not be DER: OpenSSL also takes BER (long-form lengths with leading zeros,
 * indefinite lengths), and a server may present such a certificate. Where the walk fails, the key is exported
 * from Node's key object after all, as it was before the walk.
 */
import type { X509Certificate } from 'node:crypto';
import { SendguardError } from '../../core/errors';

const SEQUENCE = 0x30;
/** `[0] EXPLICIT Version`, absent from v1 certificates. */
const VERSION = 0xa0;
/** serialNumber, signature, issuer, validity, subject: the fields between the version and the key. */
const FIELDS_BEFORE_KEY = 5;

interface Element {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

function unreadable(what: string): SendguardError {
  return new SendguardError('CERT_DER_UNREADABLE', `the certificate's DER cannot be read: ${what}`);
}

/** The DER element starting at `at`, which must end by `limit`: definite lengths of up to four octets. */
function elementAt(der: Buffer, at: number, limit: number): Element {
  if (at + 2 > limit) throw unreadable(`no element at offset ${at}`);
  const tag = der[at] as number;
  const first = der[at + 1] as number;
  let length = first;
  let contentStart = at + 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4 || contentStart + octets > limit)
      throw unreadable(`bad length at offset ${at}`);
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + (der[contentStart + i] as number);
    contentStart += octets;
  }
  const end = contentStart + length;
  if (end > limit) throw unreadable(`element at offset ${at} runs past its container`);
  return { tag, start: at, contentStart, end };
}

/**
 * The DER SubjectPublicKeyInfo of a certificate: read from its encoding where that is DER, else exported from its
 * key. A key OpenSSL cannot export either throws as it did before the walk.
 */
export function certificateSpki(cert: X509Certificate): Buffer {
  try {
    return subjectPublicKeyInfo(cert.raw);
  } catch (error) {
    if (!(error instanceof SendguardError && error.code === 'CERT_DER_UNREADABLE')) throw error;
    return cert.publicKey.export({ type: 'spki', format: 'der' });
  }
}

/** The DER SubjectPublicKeyInfo inside a DER certificate (a view into `der`, not a copy). */
export function subjectPublicKeyInfo(der: Buffer): Buffer {
  const certificate = elementAt(der, 0, der.length);
  const tbs = elementAt(der, certificate.contentStart, certificate.end);
  if (certificate.tag !== SEQUENCE || tbs.tag !== SEQUENCE) throw unreadable('not a certificate');
  let field = elementAt(der, tbs.contentStart, tbs.end);
  if (field.tag === VERSION) field = elementAt(der, field.end, tbs.end);
  for (let skipped = 0; skipped < FIELDS_BEFORE_KEY; skipped++) field = elementAt(der, field.end, tbs.end);
  if (field.tag !== SEQUENCE) throw unreadable('no SubjectPublicKeyInfo where one belongs');
  return der.subarray(field.start, field.end);
}
