/**
 * Whether DANE applies to one MX host, and with which TLSA records (RFC 7672 §2.2): only when the MX answer and
 * the host's addresses were DNSSEC-validated, and only from validated TLSA answers. A failed TLSA lookup is not
 * "no TLSA": conforming DANE senders defer delivery to that host rather than trust the connection.
 */
import { isDnssecFailure, type DnsClient, type TlsaRecord } from '../dns';
import { describeDnsFailure, type MxHost } from './mx';
import { usableTlsa, type UsableTlsa } from './dane';

export type DaneState =
  | { state: 'not-applicable'; reason: string }
  | { state: 'none' }
  | { state: 'insecure'; records: number }
  | { state: 'secure'; records: TlsaRecord[]; baseDomain: string; dropped: UsableTlsa['dropped'] }
  | { state: 'unusable'; records: number }
  | { state: 'failed'; reason: string };

async function tlsaAt(base: string, dns: DnsClient, signal?: AbortSignal) {
  return dns.query(`_25._tcp.${base}`, 'TLSA', { signal });
}

export async function lookupDane(
  host: MxHost,
  mxSecure: boolean,
  dns: DnsClient,
  signal?: AbortSignal,
): Promise<DaneState> {
  const unsigned = !mxSecure
    ? 'the MX records are not DNSSEC-signed'
    : !host.addressesSecure
      ? `the addresses of ${host.hostname} are not DNSSEC-signed`
      : undefined;
  // RFC 7672 §2.2.2: with a secure CNAME, TLSA records are sought at the canonical name first.
  const bases = host.canonicalName ? [host.canonicalName, host.hostname] : [host.hostname];
  let base = host.hostname;
  try {
    for (base of bases) {
      const answer = await tlsaAt(base, dns, signal);
      if (answer.status !== 'answer') continue;
      // TLSA records reached through unsigned data are evidence, never authentication (RFC 7672 §2.2).
      if (!answer.secure || unsigned) return { state: 'insecure', records: answer.records.length };
      const { usable, dropped } = usableTlsa(answer.records);
      if (usable.length === 0) return { state: 'unusable', records: answer.records.length };
      return { state: 'secure', records: usable, baseDomain: base, dropped };
    }
    return unsigned ? { state: 'not-applicable', reason: unsigned } : { state: 'none' };
  } catch (error) {
    // Without DNSSEC there is no DANE to defer for: a failed lookup of unsigned data changes nothing.
    if (unsigned) return { state: 'not-applicable', reason: unsigned };
    if (await isDnssecFailure(dns, error, `_25._tcp.${base}`, 'TLSA', signal)) {
      return {
        state: 'failed',
        reason:
          `the TLSA records of ${base} fail DNSSEC validation (bogus: the validating resolver refuses them, ` +
          `${describeDnsFailure(error)}), so DANE senders will not deliver to it`,
      };
    }
    return { state: 'failed', reason: `the TLSA lookup failed (${describeDnsFailure(error)})` };
  }
}
