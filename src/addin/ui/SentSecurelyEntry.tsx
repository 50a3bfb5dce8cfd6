/** @jsxRuntime automatic (jest compiles with the classic runtime by default; webpack already uses this one) */
/**
 * One message in "Sent securely": to whom and when, who opened it, its replies, and what the sender can do — open
 * their link in the browser, mail themselves a copy of it, revoke the message, move its expiry.
 */
import {
  Button,
  Input,
  Link,
  makeStyles,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useState } from 'react';
import { messageOf } from '../../core/errors';
import { recordFailure } from '../failure-log';
import type { MailHost } from '../host';
import {
  addresses,
  LINK_ELSEWHERE,
  openedLine,
  recipientsLine,
  repliesLine,
  stateLine,
} from '../sent/entry-text';
import { confirmOwnCopy, copyWay, mailOwnCopy } from '../sent/mail-own-copy';
import type { SentClient } from '../sent/sent-client';
import { expiryOn } from '../../core/expiry-day';
import type { SentEntry } from '../sent/use-sent-list';

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    paddingBlock: tokens.spacingVerticalS,
    borderTop: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
  },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS },
});

export interface SentSecurelyEntryProps {
  entry: SentEntry;
  host: MailHost;
  client: SentClient;
  /** The entry changed on the service (revoked, new expiry): the list is read again. */
  onChanged: () => void;
}

type Asking = 'nothing' | 'revoke' | 'expiry';
type Outcome = { kind: 'none' } | { kind: 'said'; text: string } | { kind: 'failed'; text: string };

/** The expiry as the date field shows it (the day in UTC, as the list shows times). */
const dayOf = (iso: string) => iso.slice(0, 10);

/**
 * The sender link, opened in the system browser through the host; where the host cannot, a plain link to a new
 * browser tab (the pane is a web page).
 */
function OpenLink(props: { host: MailHost; url: string; onOpen: (open: () => Promise<void>) => void }) {
  const { openInBrowser } = props.host;
  const label = 'Open message and replies';
  if (!openInBrowser)
    return (
      <Link href={props.url} target="_blank" rel="noopener noreferrer">
        {label}
      </Link>
    );
  return <Button onClick={() => props.onOpen(() => openInBrowser(props.url))}>{label}</Button>;
}

export function SentSecurelyEntry({ entry, host, client, onChanged }: SentSecurelyEntryProps) {
  const styles = useStyles();
  const { message, link } = entry;
  const [asking, setAsking] = useState<Asking>('nothing');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'none' });
  const [day, setDay] = useState(dayOf(message.expiresAt));
  const live = message.state === 'ready';

  /** Runs one action; what went wrong is said on the entry, in the service's words where it gave some. */
  const act = (during: string, work: () => Promise<string | undefined>, changed: boolean) => {
    setBusy(true);
    work().then(
      (said) => {
        setBusy(false);
        setAsking('nothing');
        setOutcome(said ? { kind: 'said', text: said } : { kind: 'none' });
        if (changed) onChanged();
      },
      (error: unknown) => {
        recordFailure(during, error);
        setBusy(false);
        setOutcome({ kind: 'failed', text: `Could not ${during}: ${messageOf(error)}` });
      },
    );
  };

  const revoke = () =>
    act(
      'revoke this message',
      async () => {
        await client.revokeMessage(message.id);
        await host.senderLinks?.forget([message.id]);
        return undefined;
      },
      true,
    );

  const changeExpiry = () =>
    act(
      'change the expiry',
      async () => {
        const expiresAt = expiryOn(day, message.expiresAt);
        if (!expiresAt) throw new Error('choose a date');
        await client.changeExpiry(message.id, expiresAt);
        // The kept link lives as long as the message: dropped at the old expiry, it would be lost early.
        if (link) await host.senderLinks?.keep({ ...link, expiresAt: expiresAt.toISOString() });
        return undefined;
      },
      true,
    );

  const openLink = (open: () => Promise<void>) =>
    act('open your link', () => open().then(() => undefined), false);

  /** The address an opened copy is addressed to, until the sender says they sent it. */
  const [openedTo, setOpenedTo] = useState<string>();
  /**
   * Set once the sender said they sent their copy: the list's reload that brings `ownCopy` comes later, and until
   * then the entry would flash "no copy" at a sender who has just made one.
   */
  const [copyConfirmed, setCopyConfirmed] = useState(false);
  const way = copyWay(host);
  const mailCopy = () =>
    act(
      way === 'put' ? 'put a copy in your mailbox' : 'open your copy',
      async () => {
        const made = await mailOwnCopy(host, message, link!);
        if (made.kind === 'opened') setOpenedTo(made.address);
        return made.kind === 'put' ? 'A copy of your link is now in your Inbox.' : undefined;
      },
      way === 'put',
    );
  const confirmCopy = () =>
    act(
      'note that you sent your copy',
      async () => {
        await confirmOwnCopy(host, link!);
        setCopyConfirmed(true);
        setOpenedTo(undefined);
        return undefined;
      },
      true,
    );

  const mailCopyButton = (
    <Button disabled={busy} onClick={mailCopy}>
      {way === 'put' ? 'Put a copy in my mailbox' : openedTo ? 'Open it again' : 'Mail me my copy'}
    </Button>
  );
  return (
    <li className={styles.root} data-testid={`sent-${message.id}`}>
      <Text weight="semibold">{recipientsLine(message)}</Text>
      <Text>{stateLine(message)}</Text>
      <Text>{openedLine(message)}</Text>
      <Text>{repliesLine(message, link !== undefined)}</Text>
      {live && !link ? <Text size={200}>{LINK_ELSEWHERE}</Text> : null}
      {live && link && !link.ownCopy && !copyConfirmed && way ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            {openedTo
              ? `A new message to ${openedTo} is open with your link in it. It is not in your mailbox until you ` +
                'send it: send it, then say so here.'
              : 'Your mailbox has no copy of your link to this message yet. Sendguard keeps the link in its ' +
                'settings; if it is lost there, the copy is how you read the replies.'}
          </MessageBarBody>
          <MessageBarActions>
            {mailCopyButton}
            {openedTo ? (
              <Button disabled={busy} onClick={confirmCopy}>
                I sent it
              </Button>
            ) : null}
          </MessageBarActions>
        </MessageBar>
      ) : null}
      {asking === 'revoke' ? (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>
            Revoke this message? {addresses(message.recipients)} can then no longer open it or reply, and this
            cannot be undone.
            <div className={styles.actions}>
              <Button appearance="primary" disabled={busy} onClick={revoke}>
                Revoke
              </Button>
              <Button disabled={busy} onClick={() => setAsking('nothing')}>
                Keep it
              </Button>
            </div>
          </MessageBarBody>
        </MessageBar>
      ) : null}
      {asking === 'expiry' ? (
        <div className={styles.actions}>
          <Input
            type="date"
            value={day}
            onChange={(_event, data) => setDay(data.value)}
            aria-label={`Recipients can open it until this day, at ${message.expiresAt.slice(11, 16)} UTC`}
          />
          <Button appearance="primary" disabled={busy} onClick={changeExpiry}>
            Save expiry
          </Button>
          <Button disabled={busy} onClick={() => setAsking('nothing')}>
            Cancel
          </Button>
        </div>
      ) : null}
      <div className={styles.actions}>
        {link ? <OpenLink host={host} url={link.url} onOpen={openLink} /> : null}
        {live && link?.ownCopy && way === 'open' ? mailCopyButton : null}
        {live && asking === 'nothing' ? (
          <>
            <Button onClick={() => setAsking('revoke')}>Revoke</Button>
            <Button onClick={() => setAsking('expiry')}>Change expiry</Button>
          </>
        ) : null}
      </div>
      {outcome.kind !== 'none' ? (
        <MessageBar intent={outcome.kind === 'failed' ? 'error' : 'info'} layout="multiline">
          <MessageBarBody>{outcome.text}</MessageBarBody>
        </MessageBar>
      ) : null}
    </li>
  );
}
