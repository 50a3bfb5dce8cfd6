/**
 * The answer to `GET /api/v1/admin/overview`: how mail left over the last days, from the decision records. Counted
 * by the service; the admin console draws it.
 */
import { z } from 'zod';
import { PROTECTIONS, TRANSPORT_VERDICTS, type Protection } from '../vocabulary';

const Count = z.number().int().nonnegative();

/**
 * One UTC day: the messages checked that day, and their recipients by the protection they left with. Only a message
 * that left (outcome `allowed`, `tagged`, `protected`) counts under the protections planned; every recipient of a
 * stopped one (`blocked`, `prompted`) counts as `blocked`, and the external recipients of one sent anyway past a
 * refusal (`overridden`) as `none`. So a message stopped, protected in the pane and sent again counts as one
 * blocked send and one protected, never its protection twice.
 */
export const OverviewDay = z.object({
  day: z.string(),
  messages: Count,
  ...(Object.fromEntries(PROTECTIONS.map((protection) => [protection, Count])) as Record<
    Protection,
    typeof Count
  >),
});
export type OverviewDay = z.infer<typeof OverviewDay>;

/**
 * An external recipient domain and how many of its recipients went by secure pickup or were blocked, counted as
 * the days are (a stopped message's recipients as blocked).
 */
export const DomainExposure = z.object({
  domain: z.string(),
  blocked: Count,
  escrow: Count,
  recipients: Count,
});
export type DomainExposure = z.infer<typeof DomainExposure>;

export const TransportShare = z.object({
  verdict: z.enum(TRANSPORT_VERDICTS),
  /** Distinct external domains whose latest recorded verdict this is. */
  domains: Count,
});
export type TransportShare = z.infer<typeof TransportShare>;

const KeyCoverage = z.object({
  /** Distinct external recipient addresses whose latest recorded key verdict is `valid`. */
  withKey: Count,
  total: Count,
});
type KeyCoverage = z.infer<typeof KeyCoverage>;

export const DecisionOverview = z.object({
  /** ISO 8601: the start of the first day listed, and the start of the day after the last. */
  from: z.string(),
  to: z.string(),
  /** Every day of the window, oldest first, days without a record included. */
  days: z.array(OverviewDay),
  /** At most ten, most blocked and secure pickup first; domains with neither are left out. */
  topDomains: z.array(DomainExposure),
  /** Every transport verdict, worst first, with the domains that have it (zero included). */
  transportShare: z.array(TransportShare),
  keyCoverage: KeyCoverage,
});
export type DecisionOverview = z.infer<typeof DecisionOverview>;
