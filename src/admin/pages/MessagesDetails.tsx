/**
 * One secure message, for whichever sender: its recipients and how far each got, its expiry changed, access
 * ended for one recipient or for everyone (each after a confirmation that says what cannot be undone), and its
 * audit log.
 */
import { Button, Subtitle2, Text, makeStyles, tokens } from '@fluentui/react-components';
import { useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import { MessagesAudit } from './MessagesAudit';
import { MessagesExpiry } from './MessagesExpiry';
import { stillOpen, type AdminMessage, type MessagePartProps } from './messages-wire';
import { RowsTable, type RowsColumn } from './RowsTable';
import { shownTime } from './when';

type Recipient = AdminMessage['recipients'][number];

const COLUMNS: RowsColumn<Recipient>[] = [
  { name: 'Address', value: (r) => r.address },
  { name: 'Proof', value: (r) => r.proof },
  { name: 'Access', value: (r) => r.state },
  { name: 'Proved who they are', value: (r) => (r.verifiedAt ? shownTime(r.verifiedAt) : 'not yet') },
  { name: 'Opened', value: (r) => (r.openedAt ? shownTime(r.openedAt) : 'not yet') },
];

/** What is about to be revoked: the whole message, or one recipient's access. */
type Revoking = { kind: 'message' } | { kind: 'recipient'; address: string };

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalL,
    padding: tokens.spacingHorizontalL,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
});

export function MessagesDetails(props: MessagePartProps): JSX.Element {
  const { api, message, onChanged } = props;
  const styles = useStyles();
  const [revoking, setRevoking] = useState<Revoking>();
  const [revision, setRevision] = useState(0);
  const path = `/admin/messages/${encodeURIComponent(message.id)}`;
  const changed = async (text: string) => {
    setRevision((n) => n + 1);
    await onChanged(text);
  };
  const revoke = async (what: Revoking) => {
    if (what.kind === 'message') {
      await api.send('POST', `${path}/revoke`);
      await changed(`Message ${message.id} was revoked: no recipient can open it any more.`);
    } else {
      await api.send('POST', `${path}/recipients/revoke`, { address: what.address });
      await changed(`${what.address} can no longer open message ${message.id}.`);
    }
  };
  const open = stillOpen(message);
  return (
    <div className={styles.root}>
      <Subtitle2 as="h3" id="message-details" tabIndex={-1}>
        Message {message.id} from {message.owner}
      </Subtitle2>
      <Text block>
        {open
          ? `Sent ${shownTime(message.createdAt)}; expires ${shownTime(message.expiresAt)}. ${message.replies} replies.`
          : `This message is ${message.state}: its keys are destroyed and nobody can open it.`}
      </Text>
      <RowsTable
        caption={`Recipients of message ${message.id}`}
        columns={COLUMNS}
        rows={message.recipients}
        rowKey={(r) => r.address}
        fileName={`recipients-${message.id}.csv`}
        empty="This message has no recipients."
        actions={(r) =>
          open && r.state === 'active' ? (
            <Button
              onClick={() => setRevoking({ kind: 'recipient', address: r.address })}
              aria-label={`Revoke access of ${r.address}`}
            >
              Revoke access
            </Button>
          ) : (
            <Text>{r.state === 'revoked' ? 'Access revoked' : 'No action'}</Text>
          )
        }
      />
      {open ? (
        <>
          <MessagesExpiry api={api} message={message} onChanged={changed} />
          <div>
            <Button onClick={() => setRevoking({ kind: 'message' })}>Revoke message</Button>
          </div>
        </>
      ) : null}
      <MessagesAudit api={api} id={message.id} revision={revision} />
      {revoking ? (
        <ConfirmDialog
          title={
            revoking.kind === 'message' ? 'Revoke this message?' : `Revoke access of ${revoking.address}?`
          }
          confirm={revoking.kind === 'message' ? 'Revoke message' : 'Revoke access'}
          doing={revoking.kind === 'message' ? 'revoke the message' : `revoke access of ${revoking.address}`}
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(undefined)}
        >
          <Text block>
            {revoking.kind === 'message'
              ? `Message ${message.id} will be destroyed: none of its ${message.recipients.length} recipients can open it any more, and this cannot be undone.`
              : `${revoking.address} will no longer be able to open message ${message.id}; the other recipients keep their access. This cannot be undone.`}
          </Text>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
