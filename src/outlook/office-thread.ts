/// <reference types="office-js" />
/**
 * A thread's protection in Outlook. Compose side: whether the item is a reply or a forward (`getComposeTypeAsync`,
 * Mailbox 1.10; an older Outlook gives a reply or forward a conversation id, a new message none) and what the read
 * pane kept of its conversation (thread-store.ts); the shared reader adds what the quoted text shows, which in
 * Outlook includes an OpenPGP original's armor (Outlook does not decrypt it), and the quote's marks are kept under
 * the conversation too, so that deleting the quote does not drop the thread. Read side: the read pane keeps the
 * marks of the message it shows under its conversation's id.
 */
import type { MailHost } from '../addin/host';
import { recordFailure } from '../addin/failure-log';
import { APPLIED_HEADER, parseApplied } from '../addin/protect/applied';
import { marksInHeaders, marksInText, quotedMarks, type ThreadOrigin } from '../addin/thread/marks';
import { splitHeaderBlock } from '../core/received/header-block';
import { officeAsync } from './office-async';
import type { ThreadStore } from './thread-store';

type ComposeKind = 'reply' | 'forward' | 'newMail';

/** What Outlook says the item was opened as, or `undefined` where it cannot say (before Mailbox 1.10, a failure). */
async function composeKind(item: Office.MessageCompose): Promise<ComposeKind | undefined> {
  if (typeof item.getComposeTypeAsync !== 'function') return undefined;
  try {
    const { composeType } = await officeAsync<{ composeType: string }>(
      'reading whether this is a reply',
      (cb) => item.getComposeTypeAsync(cb),
    );
    return composeType === 'reply' || composeType === 'forward' || composeType === 'newMail'
      ? composeType
      : undefined;
  } catch (error) {
    recordFailure('reading whether this is a reply', error);
    return undefined;
  }
}

async function keptMarks(store: ThreadStore | undefined, conversationId: string | undefined) {
  if (!store || !conversationId) return [];
  try {
    return await store.marksOf(conversationId);
  } catch (error) {
    recordFailure('reading what the read pane kept of this conversation', error);
    return [];
  }
}

/** The item's body and headers, as the compose host reads them. */
type ItemReader = Pick<MailHost, 'getBody' | 'getHeader'>;

/**
 * Keeps what a reply's quote shows under its conversation, as the read pane does, so that the thread holds once the
 * sender deletes the quote (the info bar's check reads it as the reply opens). Best effort: a failure is recorded.
 */
async function keepQuote(read: ItemReader, store: ThreadStore, conversationId: string): Promise<void> {
  try {
    const [text, appliedHeader] = await Promise.all([read.getBody('text'), read.getHeader(APPLIED_HEADER)]);
    await store.keep(conversationId, quotedMarks(text, parseApplied(appliedHeader)));
  } catch (error) {
    recordFailure('keeping what this reply quotes', error);
  }
}

/** What Outlook says of the item before the quote is read: whether it is a reply or forward, and what was kept. */
async function originOf(
  item: Office.MessageCompose,
  store: ThreadStore | undefined,
  conversationId: string | undefined,
): Promise<ThreadOrigin | undefined> {
  const [kind, marks] = await Promise.all([composeKind(item), keptMarks(store, conversationId)]);
  if (kind === 'reply' || kind === 'forward') return { how: kind, marks };
  // A draft reopened in a conversation the read pane saw protected: Outlook may call it new mail.
  if (marks.length > 0) return { how: 'reply', marks };
  // An Outlook that cannot say: only a reply or a forward has a conversation while it is composed.
  if (kind === undefined && conversationId) return { how: 'reply', marks };
  return undefined;
}

export function officeThreadOrigin(
  item: Office.MessageCompose,
  store: ThreadStore | undefined,
  read: ItemReader,
): Pick<MailHost, 'getThreadOrigin'> {
  return {
    async getThreadOrigin(): Promise<ThreadOrigin | undefined> {
      const conversationId = item.conversationId || undefined;
      const origin = await originOf(item, store, conversationId);
      if (origin && store && conversationId) await keepQuote(read, store, conversationId);
      return origin;
    },
  };
}

/** The first value of a header in a raw header block, by name, case-insensitively. */
function headerIn(raw: string): (name: string) => string | undefined {
  const { fields } = splitHeaderBlock(raw);
  return (name) => fields.find((f) => f.name.toLowerCase() === name.toLowerCase())?.value.trim();
}

/**
 * The read pane: keeps what the message shown says of its protection under its conversation's id, for a reply or
 * forward to find. A message without protection keeps nothing.
 */
export async function keepReadThread(office: typeof Office, store: ThreadStore): Promise<void> {
  const item = office.context.mailbox.item as Office.MessageRead | null;
  const conversationId = item?.conversationId;
  if (!item || !conversationId || typeof item.getAllInternetHeadersAsync !== 'function') return;
  const [headers, text] = await Promise.all([
    officeAsync<string>('reading the message headers', (cb) => item.getAllInternetHeadersAsync(cb)),
    officeAsync<string>('reading the message', (cb) => item.body.getAsync(office.CoercionType.Text, cb)),
  ]);
  await store.keep(conversationId, [...marksInHeaders(headerIn(headers)), ...marksInText(text)]);
}
