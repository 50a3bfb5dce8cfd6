/**
 * The answer to `GET /api/v1/admin/overview`: how mail left over the last days, from the decision records. Counted
 * by the service; the admin console draws it.
 */
import type { Protection, TransportVerdict } from '../vocabulary';

/** One UTC day: the messages decided that day, and their recipients by protection. */
export type OverviewDay = { day: string; messages: number } & Record<Protection, number>;

/** An external recipient domain and how many of its recipients went by secure pickup or were blocked. */
export interface DomainExposure {
  domain: string;
  blocked: number;
  escrow: number;
  recipients: number;
}

export interface TransportShare {
  verdict: TransportVerdict;
  /** Distinct external domains whose latest recorded verdict this is. */
  domains: number;
}

export interface KeyCoverage {
  /** Distinct external recipient addresses whose latest recorded key verdict is `valid`. */
  withKey: number;
  total: number;
}

export interface DecisionOverview {
  /** ISO 8601: the start of the first day listed, and the start of the day after the last. */
  from: string;
  to: string;
  /** Every day of the window, oldest first, days without a record included. */
  days: OverviewDay[];
  /** At most ten, most blocked and secure pickup first; domains with neither are left out. */
  topDomains: DomainExposure[];
  /** Every transport verdict, worst first, with the domains that have it (zero included). */
  transportShare: TransportShare[];
  keyCoverage: KeyCoverage;
}
