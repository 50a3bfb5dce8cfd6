/** The preview's answer as the rows its tables, its chart and their CSV files share. */
import { PROTECTIONS, protectionTitle, type MessageAction, type Protection } from '../../core/vocabulary';
import type { RowsColumn } from './RowsTable';
import { ACTION_NAMES, type PolicyPreview } from './policy-wire';

export interface BeforeAfterRow {
  name: string;
  before: number;
  after: number;
}

type DomainMove = PolicyPreview['domains'][number];

const ACTIONS = Object.keys(ACTION_NAMES) as MessageAction[];

/** A count's change in signs, not colour: "+3", "-2", "0". */
export function change(row: BeforeAfterRow): string {
  const delta = row.after - row.before;
  return delta > 0 ? `+${delta}` : String(delta);
}

export function actionRows(preview: PolicyPreview): BeforeAfterRow[] {
  return ACTIONS.map((action) => ({
    name: ACTION_NAMES[action],
    before: preview.before[action] ?? 0,
    after: preview.after[action] ?? 0,
  }));
}

export function protectionRows(preview: PolicyPreview): BeforeAfterRow[] {
  return PROTECTIONS.map((protection: Protection) => ({
    name: protectionTitle(protection),
    before: preview.recipientsBefore[protection] ?? 0,
    after: preview.recipientsAfter[protection] ?? 0,
  }));
}

/** The columns of a before/after table whose first column is named `first`. */
export function beforeAfterColumns(first: string): RowsColumn<BeforeAfterRow>[] {
  return [
    { name: first, value: (r) => r.name },
    { name: 'Running policy', value: (r) => r.before },
    { name: 'Edited policy', value: (r) => r.after },
    { name: 'Change', value: change },
  ];
}

export const DOMAIN_COLUMNS: RowsColumn<DomainMove>[] = [
  { name: 'Domain', value: (d) => d.domain },
  { name: 'Running policy', value: (d) => protectionTitle(d.from) },
  { name: 'Edited policy', value: (d) => protectionTitle(d.to) },
  { name: 'Recipients', value: (d) => d.recipients },
];
