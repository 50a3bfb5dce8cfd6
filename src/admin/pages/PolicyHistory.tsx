/**
 * Who saved which version of the policy, when, and why: newest first, as a table and CSV. Each row opens what
 * that version changed: its text compared with the version saved before it, in the same diff as the editor's.
 */
import { Button } from '@fluentui/react-components';
import { useState } from 'react';
import type { AdminApi } from '../api';
import { LoadedView, Section } from './PageParts';
import { PolicyDiff } from './PolicyDiff';
import type { PolicyHistoryEntry } from './policy-wire';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

const COLUMNS: RowsColumn<PolicyHistoryEntry>[] = [
  { name: 'Revision', value: (h) => h.revision },
  { name: 'Version', value: (h) => h.version },
  { name: 'Saved by', value: (h) => h.savedBy },
  { name: 'Saved', value: (h) => shownTime(h.savedAt) },
  { name: 'Note', value: (h) => h.note ?? '' },
];

/** `GET /admin/policy/versions/:revision`: one saved version with its text. */
type SavedPolicyVersion = PolicyHistoryEntry & { text: string };

const versionPath = (revision: number) => `/admin/policy/versions/${revision}`;

/** A saved version, and the one saved before it; none before the first (the file's text is not kept). */
interface VersionChange {
  version: SavedPolicyVersion;
  before?: SavedPolicyVersion;
}

function VersionChanges({ api, entry }: { api: AdminApi; entry: PolicyHistoryEntry }): JSX.Element {
  const change = useLoaded(async (): Promise<VersionChange> => {
    const [version, before] = await Promise.all([
      api.get<SavedPolicyVersion>(versionPath(entry.revision)),
      entry.revision > 1 ? api.get<SavedPolicyVersion>(versionPath(entry.revision - 1)) : undefined,
    ]);
    return before ? { version, before } : { version };
  }, entry.revision);
  return (
    <Section title={`Changes in revision ${entry.revision}`} id="policy-history-changes" level={3}>
      <LoadedView loaded={change} what={`revision ${entry.revision} of the policy`}>
        {({ version, before }) =>
          before ? (
            <PolicyDiff
              before={before.text}
              after={version.text}
              against={`revision ${before.revision} (version ${before.version}, saved by ${before.savedBy} on ${shownTime(before.savedAt)})`}
            />
          ) : (
            <p>
              Revision {version.revision} is the first saved from the console. The policy before it came from
              the configuration file, whose text the service does not keep, so there is nothing to compare it
              with.
            </p>
          )
        }
      </LoadedView>
    </Section>
  );
}

export function PolicyHistory(props: { api: AdminApi; history: readonly PolicyHistoryEntry[] }): JSX.Element {
  const { api, history } = props;
  const [shown, setShown] = useState<PolicyHistoryEntry>();
  return (
    <Section title="History" id="policy-history">
      <RowsTable
        caption="Policy history"
        columns={COLUMNS}
        rows={history}
        rowKey={(h) => String(h.revision)}
        fileName="policy-history.csv"
        empty="No version has been saved from the console yet: the policy comes from the configuration file."
        actions={(h) => (
          <Button
            aria-label={`Show the changes in revision ${h.revision}`}
            aria-pressed={shown?.revision === h.revision}
            onClick={() => setShown(h)}
          >
            Show changes
          </Button>
        )}
      />
      {shown ? <VersionChanges api={api} entry={shown} /> : null}
    </Section>
  );
}
