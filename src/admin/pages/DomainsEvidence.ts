/**
 * A domain report's evidence (the transport check's facts, as `sendguard check --json` prints them) turned into
 * sentences and rows an admin reads: each MX with its DANE state, each of its addresses with STARTTLS, the TLS
 * version and cipher, the certificate's trust and name, how the connection was authenticated; MTA-STS; TLS-RPT.
 * The evidence travels as untyped JSON, so every field is read for what it is and a missing one reads as "not
 * reported" rather than breaking the page.
 */

type Json = Record<string, unknown>;

const objectOf = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const textOf = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

export interface AddressRow {
  address: string;
  verdict: string;
  starttls: string;
  tls: string;
  certificate: string;
  authentication: string;
  reason: string;
}

export interface MxView {
  title: string;
  dane: string;
  /** Why the host's addresses could not be had, when DNS failed. */
  addressError?: string;
  addresses: AddressRow[];
}

interface EvidenceView {
  mx: MxView[];
  mtaSts: string;
  tlsRpt: string;
  /** Other facts worth a line: no MX (implicit), whether the MX answer was DNSSEC-validated, time taken. */
  notes: string[];
}

const NOT_REPORTED = 'not reported';

function daneText(dane: Json): string {
  switch (dane.state) {
    case 'secure': {
      const records = listOf(dane.records).map(objectOf);
      const kinds = records.map((r) => `${textOf(r.usage)} ${textOf(r.selector)} ${textOf(r.matchingType)}`);
      return `DANE: ${records.length} TLSA record(s) in a DNSSEC-signed zone (${kinds.join(', ')})`;
    }
    case 'insecure':
      return 'DANE: TLSA records in a zone not signed with DNSSEC (not usable)';
    case 'unusable':
      return 'DANE: TLSA records present, none usable';
    case 'none':
      return 'DANE: no TLSA records';
    case 'not-applicable':
    case 'failed':
      return `DANE: ${String(dane.state).replace('-', ' ')} (${textOf(dane.reason) ?? NOT_REPORTED})`;
    default:
      return `DANE: ${NOT_REPORTED}`;
  }
}

function certificateText(certificate: Json): string {
  if (Object.keys(certificate).length === 0) return NOT_REPORTED;
  const trust =
    certificate.trusted === true
      ? 'trusted'
      : `not trusted${textOf(certificate.trustError) ? ` (${textOf(certificate.trustError)})` : ''}`;
  const name = certificate.nameMatches === true ? 'names the host' : 'does not name the host';
  const until = textOf(certificate.notAfter);
  return [trust, name, ...(until ? [`valid until ${until.slice(0, 10)}`] : [])].join(', ');
}

function addressRow(value: unknown): AddressRow {
  const a = objectOf(value);
  const tls = objectOf(a.tls);
  const error = objectOf(a.error);
  const authentication = textOf(a.authentication);
  return {
    address: textOf(a.address) ?? NOT_REPORTED,
    verdict: textOf(a.verdict) ?? NOT_REPORTED,
    starttls: a.starttls === true ? 'offered' : a.starttls === false ? 'not offered' : NOT_REPORTED,
    tls: textOf(tls.version)
      ? [textOf(tls.version), textOf(tls.cipher)].filter(Boolean).join(' ')
      : (textOf(error.message) ?? (textOf(a.outcome) ? `none (${textOf(a.outcome)})` : 'none')),
    // Without TLS no certificate was presented: that is a fact, not a gap in the report.
    certificate: a.tls === undefined ? 'none (no TLS)' : certificateText(objectOf(tls.certificate)),
    authentication:
      authentication === 'dane' ? 'DANE' : authentication === 'mta-sts' ? 'MTA-STS' : 'not authenticated',
    reason: textOf(a.reason) ?? '',
  };
}

function mxView(value: unknown): MxView {
  const mx = objectOf(value);
  const addressError = textOf(mx.addressError);
  const unprobed = typeof mx.unprobedAddresses === 'number' ? mx.unprobedAddresses : 0;
  return {
    title: `MX ${textOf(mx.preference) ?? '?'} ${textOf(mx.hostname) ?? NOT_REPORTED}${
      unprobed ? ` (${unprobed} more address(es) not probed)` : ''
    }`,
    dane: daneText(objectOf(mx.dane)),
    ...(addressError ? { addressError } : {}),
    addresses: listOf(mx.addresses).map(addressRow),
  };
}

function mtaStsText(sts: Json): string {
  switch (sts.state) {
    case 'policy': {
      const policy = objectOf(sts.policy);
      const mx = listOf(policy.mx).map(textOf).filter(Boolean).join(', ');
      const refresh = objectOf(sts.refreshFailure);
      return `MTA-STS: mode ${textOf(policy.mode) ?? NOT_REPORTED}, mx ${mx || 'none'}, max_age ${
        textOf(policy.maxAge) ?? NOT_REPORTED
      } s${textOf(refresh.reason) ? `; the last refresh failed (${textOf(refresh.reason)}), the cached policy kept` : ''}`;
    }
    case 'none':
    case 'failed':
      return `MTA-STS: ${sts.state === 'none' ? 'none' : 'failed'} (${textOf(sts.reason) ?? NOT_REPORTED})`;
    case 'pending':
      return 'MTA-STS: still being checked';
    default:
      return `MTA-STS: ${NOT_REPORTED}`;
  }
}

function tlsRptText(rpt: Json): string {
  switch (rpt.state) {
    case 'record':
      return `TLS-RPT: reports go to ${listOf(rpt.rua).map(textOf).filter(Boolean).join(', ') || NOT_REPORTED}`;
    case 'none':
      return 'TLS-RPT: no record (the domain asks for no reports)';
    case 'invalid':
    case 'failed':
      return `TLS-RPT: ${rpt.state}${textOf(rpt.reason) ? ` (${textOf(rpt.reason)})` : ''}`;
    case 'pending':
      return 'TLS-RPT: still being checked';
    default:
      return `TLS-RPT: ${NOT_REPORTED}`;
  }
}

export function readEvidence(evidence: Record<string, unknown> | undefined): EvidenceView {
  const e = objectOf(evidence);
  const timings = objectOf(e.timings);
  const notes = [
    ...(e.incomplete === true ? ['The check ran out of time: the evidence below is partial.'] : []),
    ...(e.implicitMx === true ? ['The domain publishes no MX record: the domain itself receives mail.'] : []),
    ...(typeof e.mxSecure === 'boolean'
      ? [`The MX answer was ${e.mxSecure ? '' : 'not '}validated with DNSSEC.`]
      : []),
    ...(typeof timings.totalMs === 'number' ? [`Checked in ${timings.totalMs} ms.`] : []),
  ];
  return {
    mx: listOf(e.mx).map(mxView),
    mtaSts: mtaStsText(objectOf(e.mtaSts)),
    tlsRpt: tlsRptText(objectOf(e.tlsRpt)),
    notes,
  };
}
