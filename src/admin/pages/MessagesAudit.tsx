/** A secure message's audit log: every event the service recorded for it, oldest first, as a table and CSV. */
import type { AdminApi } from '../api';
import type { AuditEntry, AuditLog } from '../../core/escrow/wire';
import { LoadedView, Section } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

const COLUMNS: RowsColumn<AuditEntry>[] = [
  { name: 'When', value: (e) => shownTime(e.at) },
  { name: 'Event', value: (e) => e.event },
  { name: 'Recipient', value: (e) => e.recipient },
  { name: 'Admin', value: (e) => e.admin },
  { name: 'IP address', value: (e) => e.ip },
  { name: 'Browser', value: (e) => e.userAgent },
];

/** `revision` changes after an action on the message, so that the log read shows it. */
export function MessagesAudit(props: { api: AdminApi; id: string; revision: number }): JSX.Element {
  const { api, id, revision } = props;
  const audit = useLoaded(
    async () => (await api.get<AuditLog>(`/admin/messages/${encodeURIComponent(id)}/audit`)).entries,
    `${id} ${revision}`,
  );
  return (
    <Section title="Audit log" id="message-audit" level={3}>
      <LoadedView loaded={audit} what="the audit log">
        {(entries) => (
          <RowsTable
            caption={`Audit log of message ${id}`}
            columns={COLUMNS}
            rows={entries}
            rowKey={(_, index) => String(index)}
            fileName={`audit-${id}.csv`}
            empty="Nothing recorded for this message yet."
          />
        )}
      </LoadedView>
    </Section>
  );
}
