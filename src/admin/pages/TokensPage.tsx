/**
 * Tokens: issue an API token (its secret shown once, to copy), list the tokens with their state, revoke one
 * after confirming (existing routes `POST/GET /admin/tokens`, `DELETE /admin/tokens/:id`).
 */
import { Button, makeStyles, tokens as designTokens } from '@fluentui/react-components';
import { useState } from 'react';
import type { PageProps } from '../shell/page';
import { ConfirmDialog } from './ConfirmDialog';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { TokensIssue } from './TokensIssue';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

export interface TokenInfo {
  id: string;
  name: string;
  role: 'sender' | 'admin';
  createdAt: string;
  revokedAt?: string;
  owner?: { name?: string; address: string };
}

const ownerText = (owner: TokenInfo['owner']) =>
  owner ? (owner.name ? `${owner.name} <${owner.address}>` : owner.address) : '';

const COLUMNS: readonly RowsColumn<TokenInfo>[] = [
  { name: 'Name', value: (t) => t.name },
  { name: 'Role', value: (t) => t.role },
  { name: 'Acts for', value: (t) => ownerText(t.owner) },
  { name: 'Issued', value: (t) => shownTime(t.createdAt) },
  { name: 'State', value: (t) => (t.revokedAt ? `revoked ${shownTime(t.revokedAt)}` : 'active') },
  { name: 'ID', value: (t) => t.id },
];

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: designTokens.spacingVerticalXXL },
});

export default function TokensPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  const list = useLoaded(() => api.get<TokenInfo[]>('/admin/tokens'));
  const [revoking, setRevoking] = useState<TokenInfo>();
  const [outcome, setOutcome] = useState<Outcome>();
  const revoke = async (token: TokenInfo) => {
    await api.send('DELETE', `/admin/tokens/${encodeURIComponent(token.id)}`);
    setOutcome({
      ok: true,
      text: `The token “${token.name}” is revoked: the service refuses it from now on.`,
    });
    await list.reload();
  };
  return (
    <div className={styles.page}>
      <TokensIssue api={api} onIssued={() => void list.reload()} />
      <Section title="Tokens" id="tokens-list">
        <OutcomeBar outcome={outcome} />
        <LoadedView loaded={list} what="the tokens">
          {(rows) => (
            <RowsTable
              caption="API tokens"
              columns={COLUMNS}
              rows={rows}
              rowKey={(t) => t.id}
              fileName="sendguard-tokens.csv"
              empty="No API tokens yet."
              actions={(t) =>
                t.revokedAt ? null : (
                  <Button size="small" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                )
              }
            />
          )}
        </LoadedView>
      </Section>
      {revoking ? (
        <ConfirmDialog
          title={`Revoke the token “${revoking.name}”?`}
          confirm="Revoke token"
          doing="revoke the token"
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(undefined)}
        >
          Whoever uses it ({revoking.role}
          {revoking.owner ? `, acting for ${ownerText(revoking.owner)}` : ''}) is refused from now on. This
          cannot be undone: issue a new token if it is needed again.
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
