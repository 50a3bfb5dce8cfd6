/**
 * The overview's four figures as table rows: each chart draws from the same rows its table shows and its CSV
 * holds, so picture, table and file agree.
 */
import type {
  DecisionOverview,
  DomainExposure,
  OverviewDay,
  TransportShare,
} from '../../core/decisions/overview';
import { PROTECTION_NAMES, protectionTitle, type Protection } from '../../core/vocabulary';
import type { RowsColumn } from './RowsTable';

/** The protections the day chart stacks: what the sender got, where a choice was made. */
export const CHARTED_PROTECTIONS = [
  'tls',
  'pgp',
  'escrow',
  'blocked',
] as const satisfies readonly Protection[];
export type ChartedProtection = (typeof CHARTED_PROTECTIONS)[number];

export const dayColumns: readonly RowsColumn<OverviewDay>[] = [
  { name: 'Day (UTC)', value: (day) => day.day },
  { name: 'Messages', value: (day) => day.messages },
  ...(['tls', 'pgp', 'escrow', 'blocked', 'none', 'internal'] as const).map(
    (protection): RowsColumn<OverviewDay> => ({
      name: `Recipients: ${PROTECTION_NAMES[protection]}`,
      value: (day) => day[protection],
    }),
  ),
];

export const exposureColumns: readonly RowsColumn<DomainExposure>[] = [
  { name: 'Domain', value: (row) => row.domain },
  { name: 'Recipients blocked', value: (row) => row.blocked },
  { name: 'Recipients by secure pickup', value: (row) => row.escrow },
  { name: 'Recipients in all', value: (row) => row.recipients },
];

export const shareColumns: readonly RowsColumn<TransportShare>[] = [
  { name: 'Transport verdict', value: (row) => row.verdict },
  { name: 'Domains', value: (row) => row.domains },
];

export interface CoverageRow {
  withKey: number;
  total: number;
}

/** A share as a person reads it: whole per cent, or "—" when there is nothing to divide. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`;
}

export const coverageColumns: readonly RowsColumn<CoverageRow>[] = [
  { name: 'External recipients with a valid key', value: (row) => row.withKey },
  { name: 'External recipients', value: (row) => row.total },
  { name: 'Share with a key', value: (row) => percent(row.withKey, row.total) },
];

/** The day chart's legend for a protection ("Forced TLS"). */
export const protectionLegend = (protection: Protection): string => protectionTitle(protection);

/** Whether the window holds any decision at all: the charts say so in words instead of drawing zeros. */
export const hasMessages = (overview: DecisionOverview): boolean =>
  overview.days.some((day) => day.messages > 0);
