/**
 * The "Sent securely" list's state: the sender's secure messages as the service knows them, each with the link the
 * add-in kept for it (when it did), and the actions on one message. Links of messages the service says are revoked
 * or expired are dropped: they open nothing any more.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MessageSummary } from '../../core/escrow/wire';
import { messageOf } from '../../core/errors';
import { BackendError } from '../backend';
import { recordFailure } from '../failure-log';
import type { MailHost, SenderLink } from '../host';
import type { SentClient } from './sent-client';

export interface SentEntry {
  message: MessageSummary;
  link?: SenderLink;
}

export type SentList =
  | { status: 'loading' }
  /** The service offers no secure pickup (its escrow routes are not there): nothing to list. */
  | { status: 'unavailable' }
  | { status: 'failed'; error: string }
  | { status: 'ready'; entries: SentEntry[] };

/** The service's list and the host's kept links, newest first. */
async function loadEntries(host: MailHost, sentMessages: SentClient['sentMessages']) {
  const [messages, links] = await Promise.all([sentMessages(), host.senderLinks?.list() ?? []]);
  const byId = new Map(links.map((link) => [link.id, link]));
  const ended = messages.filter((m) => m.state === 'revoked' || m.state === 'expired').map((m) => m.id);
  const stale = ended.filter((id) => byId.has(id));
  if (stale.length > 0) await host.senderLinks?.forget(stale);
  return messages
    .map((message): SentEntry => {
      const link = message.state === 'ready' ? byId.get(message.id) : undefined;
      return { message, ...(link ? { link } : {}) };
    })
    .sort((a, b) => Date.parse(b.message.createdAt) - Date.parse(a.message.createdAt));
}

export interface SentListControl {
  list: SentList;
  reload(): void;
}

/** The list, read when the pane opens and again whenever `refresh` changes (after the pane applied something). */
export function useSentList(
  host: MailHost,
  client: SentClient | undefined,
  refresh: unknown,
): SentListControl {
  const [list, setList] = useState<SentList>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const sentMessages = client?.sentMessages;
  useEffect(() => {
    if (!sentMessages) return;
    let current = true;
    loadEntries(host, sentMessages).then(
      (entries) => current && setList({ status: 'ready', entries }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof BackendError && error.detail === 'HTTP 404')
          return setList({ status: 'unavailable' });
        recordFailure('reading your secure messages', error);
        setList({ status: 'failed', error: messageOf(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [host, sentMessages, refresh, round]);
  return { list, reload };
}
