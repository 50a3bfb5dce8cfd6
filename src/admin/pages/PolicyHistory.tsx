/** Who saved which version of the policy, when, and why: newest first, as a table and CSV. */
import { Section } from './PageParts';
import type { PolicyHistoryEntry } from './policy-wire';
import { RowsTable, type RowsColumn } from './RowsTable';
import { shownTime } from './when';

const COLUMNS: RowsColumn<PolicyHistoryEntry>[] = [
  { name: 'Version', value: (h) => h.version },
  { name: 'Saved by', value: (h) => h.savedBy },
  { name: 'Saved', value: (h) => shownTime(h.savedAt) },
  { name: 'Note', value: (h) => h.note ?? '' },
];

export function PolicyHistory({ history }: { history: readonly PolicyHistoryEntry[] }): JSX.Element {
  return (
    <Section title="History" id="policy-history">
      <RowsTable
        caption="Policy history"
        columns={COLUMNS}
        rows={history}
        rowKey={(h, i) => `${i} ${h.version}`}
        fileName="policy-history.csv"
        empty="No version has been saved from the console yet: the policy comes from the configuration file."
      />
    </Section>
  );
}
