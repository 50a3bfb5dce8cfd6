/**
 * The Secure messages page: every sender's secure-pickup messages, newest first, with each recipient's state;
 * one message opened below the list to revoke it or a recipient, change its expiry and read its audit log.
 */
import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { PageProps } from '../shell/page';
import { MessagesDetails } from './MessagesDetails';
import type { AdminMessage } from './messages-wire';
import { LoadedView, OutcomeBar, Section, type Outcome } from './PageParts';
import { RowsTable, type RowsColumn } from './RowsTable';
import { useLoaded } from './use-loaded';
import { shownTime } from './when';

/** Messages asked for at a time; a full page offers the older ones. */
const MESSAGES_PER_PAGE = 100;

/**
 * One table cell (and CSV field) naming every recipient with its state. Not the pane's entry-text sentences:
 * those group recipients by what they did and speak to the sender ("your link"), and live in the add-in, which
 * the console may not import; a cell per message needs each recipient once, in the order sent.
 */
function recipientsText(message: AdminMessage): string {
  return message.recipients
    .map(
      (r) =>
        `${r.address} (${r.state === 'revoked' ? 'access revoked' : r.openedAt ? 'opened' : 'not opened'})`,
    )
    .join('; ');
}

const COLUMNS: RowsColumn<AdminMessage>[] = [
  { name: 'Message', value: (m) => m.id },
  { name: 'Sender', value: (m) => m.owner },
  { name: 'State', value: (m) => m.state },
  { name: 'Sent', value: (m) => shownTime(m.createdAt) },
  { name: 'Expires', value: (m) => shownTime(m.expiresAt) },
  { name: 'Recipients', value: recipientsText },
  { name: 'Replies', value: (m) => m.replies },
];

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
});

function messagesPath(before?: string): string {
  const query = new URLSearchParams({ limit: String(MESSAGES_PER_PAGE) });
  if (before) query.set('before', before);
  return `/admin/messages?${query}`;
}

export default function MessagesPage({ api }: PageProps): JSX.Element {
  const styles = useStyles();
  // Where the list starts: the newest messages, or the `next` of each page the admin went past.
  const [before, setBefore] = useState<string[]>([]);
  const start = before[before.length - 1];
  const messages = useLoaded(
    () => api.get<{ messages: AdminMessage[]; next?: string }>(messagesPath(start)),
    start ?? '',
  );
  const [selected, setSelected] = useState<string>();
  const [outcome, setOutcome] = useState<Outcome>();
  const chosen =
    messages.state === 'ready' ? messages.value.messages.find((m) => m.id === selected) : undefined;
  useEffect(() => {
    if (selected) document.getElementById('message-details')?.focus();
  }, [selected]);
  const changed = async (text: string) => {
    setOutcome({ ok: true, text });
    await messages.reload();
  };
  return (
    <div className={styles.page}>
      <Section title="Secure messages" id="messages-list">
        <OutcomeBar outcome={outcome} />
        <LoadedView loaded={messages} what="the secure messages">
          {({ messages: list, next }) => (
            <>
              <RowsTable
                caption="Secure messages"
                columns={COLUMNS}
                rows={list}
                rowKey={(m) => m.id}
                fileName="secure-messages.csv"
                empty={start ? 'No older secure messages.' : 'No secure messages yet.'}
                actions={(m) => (
                  <Button
                    onClick={() => setSelected(m.id)}
                    aria-label={`Manage message ${m.id}`}
                    aria-pressed={m.id === selected}
                  >
                    Manage
                  </Button>
                )}
              />
              <div>
                {start ? (
                  <Button onClick={() => setBefore(before.slice(0, -1))}>Show newer messages</Button>
                ) : null}
                {next ? (
                  <Button onClick={() => setBefore([...before, next])}>Show older messages</Button>
                ) : null}
              </div>
            </>
          )}
        </LoadedView>
      </Section>
      {chosen ? <MessagesDetails key={chosen.id} api={api} message={chosen} onChanged={changed} /> : null}
    </div>
  );
}
