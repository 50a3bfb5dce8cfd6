/**
 * The bounds of decision reports and of the routes that read the records back, apart from the zod schemas in
 * `record.ts`: the add-ins' send handler, which cannot carry zod, keeps its reports within them too.
 */
import { WIRE_LIMITS } from '../evaluate/wire-limits';

export const DECISION_LIMITS = {
  /** A classification's name as the report carries it (the policy's own names are shorter still). */
  classificationMax: 64,
  recipientsMax: 500,
  addressMin: WIRE_LIMITS.addressMin,
  addressMax: WIRE_LIMITS.addressMax,
  signInMax: WIRE_LIMITS.signInProviderMax,
  /** `GET /admin/decisions`: records per page. */
  listDefault: 500,
  listMax: 5000,
  /**
   * `GET /admin/decisions`: a page ends before the record that would take its recipients past this (a page holds at
   * least one record), so that no page builds millions of rows on a node that also serves send checks.
   */
  listRecipientsMax: 50_000,
  /** `GET /admin/overview`: the days it covers. */
  overviewDaysDefault: 30,
  overviewDaysMax: 365,
  /** `decisions.retentionDays` in the service configuration. */
  retentionDaysDefault: 90,
  retentionDaysMax: 3650,
  /** The domains `GET /admin/overview` lists in `topDomains`. */
  topDomains: 10,
} as const;
