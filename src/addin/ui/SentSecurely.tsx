/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * "Sent securely": the sender's messages sent by secure pickup, newest first, each with who opened it, its replies,
 * and the sender's own link where the add-in kept it. Shown where the backend client can list them.
 */
import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMemo, useState } from 'react';
import type { Backend } from '../backend';
import type { MailHost } from '../host';
import { sentClient } from '../sent/sent-client';
import { useSentList } from '../sent/use-sent-list';
import { SentSecurelyEntry } from './SentSecurelyEntry';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  list: { listStyleType: 'none', margin: 0, padding: 0 },
});

/** The newest this many show at first; the rest on request. */
const FIRST_SHOWN = 5;

export interface SentSecurelyProps {
  host: MailHost;
  backend: Backend;
  /** Changes when the pane has applied a protection: a message just sent by secure pickup joins the list. */
  refresh?: unknown;
}

export function SentSecurely({ host, backend, refresh }: SentSecurelyProps) {
  const styles = useStyles();
  const client = useMemo(() => sentClient(backend), [backend]);
  const { list, reload } = useSentList(host, client, refresh);
  const [all, setAll] = useState(false);
  if (!client || list.status === 'unavailable') return null;
  return (
    <section className={styles.root} aria-label="Sent securely">
      <Text as="h2" weight="semibold" size={400}>
        Sent securely
      </Text>
      {list.status === 'loading' ? <Spinner size="tiny" label="Reading your secure messages…" /> : null}
      {list.status === 'failed' ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            Your secure messages could not be listed: {list.error}{' '}
            <Button size="small" onClick={reload}>
              Try again
            </Button>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {list.status === 'ready' && list.entries.length === 0 ? (
        <Text>You have sent no messages by secure pickup that the Sendguard service still holds.</Text>
      ) : null}
      {list.status === 'ready' ? (
        <>
          <ul className={styles.list}>
            {(all ? list.entries : list.entries.slice(0, FIRST_SHOWN)).map((entry) => (
              <SentSecurelyEntry
                key={entry.message.id}
                entry={entry}
                host={host}
                client={client}
                onChanged={reload}
              />
            ))}
          </ul>
          {!all && list.entries.length > FIRST_SHOWN ? (
            <Button onClick={() => setAll(true)}>Show all {list.entries.length}</Button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
