/**
 * SMTP TLS Reporting (RFC 8460): the `_smtp._tls` TXT record, and the result types a report (and Sendguard's
 * evidence) names a failure with.
 */
import { parseVersionedTxtRecord, shorten, splitAround, type TxtRecordStatus } from './mta-sts-parse';

/** RFC 8460 §4.3: negotiation failures (§4.3.1), then DANE (§4.3.2.1) and MTA-STS (§4.3.2.2) policy failures. */
export type TlsRptResultType =
  | 'starttls-not-supported'
  | 'certificate-host-mismatch'
  | 'certificate-expired'
  | 'certificate-not-trusted'
  | 'validation-failure'
  | 'tlsa-invalid'
  | 'dnssec-invalid'
  | 'dane-required'
  | 'sts-policy-fetch-error'
  | 'sts-policy-invalid'
  | 'sts-webpki-invalid';

// A URI is printable ASCII without spaces (RFC 3986); `new URL` alone would quietly percent-encode the rest.
const URI_CHARACTERS = /^[\x21-\x7e]+$/;
const SUPPORTED_SCHEMES = ['mailto:', 'https:'];

/**
 * RFC 8460 §3: the `_smtp._tls` TXT record. Exactly one record starting with `v=TLSRPTv1;` must exist, with a
 * `rua` of comma-separated URIs. URIs with schemes other than mailto: and https: are skipped, as the RFC lets a
 * reporter use only the destinations it supports; a record left with none is invalid.
 */
export function parseTlsRptRecord(
  txtRecords: readonly (readonly string[])[],
): TxtRecordStatus<{ rua: string[] }> {
  return parseVersionedTxtRecord(txtRecords, 'v=TLSRPTv1', (fields) => {
    const rua = fields.get('rua');
    if (rua === undefined) return 'the record has no rua';
    // `*WSP "," *WSP` between URIs.
    const uris = splitAround(rua, ',');
    const malformed = uris.find((uri) => !URI_CHARACTERS.test(uri) || !URL.canParse(uri));
    if (malformed !== undefined) return `rua "${shorten(malformed)}" is not a URI`;
    const supported = uris.filter((uri) => SUPPORTED_SCHEMES.includes(new URL(uri).protocol));
    if (supported.length === 0) return 'rua names no mailto: or https: destination';
    return { rua: supported };
  });
}
