/**
 * The transport report of one domain: the verdict, its reasons, and the evidence behind it, as plain JSON (what
 * `sendguard check --json` prints and `GET /api/v1/domains/:domain` returns).
 */
import type { TransportVerdict } from '../../core/vocabulary';
import type { DaneState } from './dane-lookup';
import type { StsStatus } from './mta-sts';
import type { SmtpProbeEvidence } from './smtp-probe';
import type { AddressJudgement } from './verdict';

export type AddressReport = Omit<SmtpProbeEvidence, 'mxHostname'> & AddressJudgement;

/** TLSA records as hex, since Buffers do not survive JSON. */
type DaneReport =
  | Exclude<DaneState, { state: 'secure' }>
  | {
      state: 'secure';
      baseDomain: string;
      records: Array<{ usage: number; selector: number; matchingType: number; data: string }>;
      dropped: number;
    };

export interface MxReport {
  hostname: string;
  preference: number;
  addresses: AddressReport[];
  addressError?: string;
  /** Addresses DNS gave beyond those probed (probe-budget.ts PROBE_LIMITS); absent when all were probed. */
  unprobedAddresses?: number;
  dane: DaneReport;
}

export interface TlsRptReport {
  state: 'record' | 'none' | 'invalid' | 'failed';
  rua?: string[];
  reason?: string;
}

export interface TransportReport {
  domain: string;
  verdict: TransportVerdict;
  reasons: string[];
  checkedAt: string;
  /** The overall deadline passed before every step finished: the verdict is `unknown`, the evidence partial. */
  incomplete: boolean;
  implicitMx: boolean;
  /** Whether the MX answer was DNSSEC-validated (DANE needs it). */
  mxSecure: boolean;
  mx: MxReport[];
  mtaSts: StsStatus | { state: 'pending' };
  tlsRpt: TlsRptReport | { state: 'pending' };
  /** How long the result may be reused, from the DNS TTL and the MTA-STS max_age. */
  ttlSeconds: number;
  timings: { totalMs: number };
}

export function daneReport(state: DaneState): DaneReport {
  if (state.state !== 'secure') return state;
  return {
    state: 'secure',
    baseDomain: state.baseDomain,
    records: state.records.map((r) => ({
      usage: r.usage,
      selector: r.selector,
      matchingType: r.matchingType,
      data: r.data.toString('hex'),
    })),
    dropped: state.dropped.length,
  };
}
