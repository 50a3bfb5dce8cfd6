/**
 * What Thunderbird tells of the message a composer replies to or forwards (ComposeDetails `type` and
 * `relatedMessageId`): its headers and text as `messages.getFull` gives them, left encrypted (`decrypt: false`) so
 * that an encrypted original shows as one and no passphrase prompt opens behind a send. Thunderbird quotes an
 * encrypted original decrypted, so its reply's own text cannot show what the original was: the original must.
 */
import { recordFailure } from '../addin/failure-log';
import { marksInHeaders, marksInText, type ThreadMark, type ThreadOrigin } from '../addin/thread/marks';
import type { ComposeDetails, MessagePart, Messenger } from './messenger';

const HOW: Partial<Record<NonNullable<ComposeDetails['type']>, ThreadOrigin['how']>> = {
  reply: 'reply',
  forward: 'forward',
  redirect: 'forward',
};

/** How much of the original's text is searched for an armored message or a pickup link (a notice is short). */
const ORIGINAL_TEXT_MAX = 1_000_000;

/** The original's text parts, in order, up to `ORIGINAL_TEXT_MAX` characters in all. */
function textOf(root: MessagePart): string {
  const texts: string[] = [];
  let room = ORIGINAL_TEXT_MAX;
  const pending: MessagePart[] = [root];
  while (pending.length > 0 && room > 0) {
    const part = pending.shift()!;
    if (part.parts) pending.unshift(...part.parts);
    else if (part.body !== undefined && (part.contentType ?? '').toLowerCase().startsWith('text/')) {
      texts.push(part.body.slice(0, room));
      room -= part.body.length;
    }
  }
  return texts.join('\n');
}

/**
 * Thunderbird gives a message as a `message/rfc822` root holding its header fields, with the message's own MIME
 * tree as the root's one part, whose headers are its Content-* fields.
 */
function mimeTop(root: MessagePart): MessagePart {
  const [first, ...rest] = root.parts ?? [];
  return root.contentType === 'message/rfc822' && first && rest.length === 0 ? first : root;
}

/** What the original shows of its protection: its header fields, its decryption status and its text. */
export function marksOfOriginal(root: MessagePart): ThreadMark[] {
  const top = mimeTop(root);
  const marks = marksInHeaders((name) => {
    const key = name.toLowerCase();
    return (top.headers?.[key] ?? root.headers?.[key])?.[0];
  });
  const status = root.decryptionStatus;
  const encrypted = status !== undefined && status !== 'none';
  if (encrypted && !marks.some((m) => m.kind === 'openpgp' || m.kind === 'smime'))
    marks.push({ kind: 'encrypted' });
  return [...marks, ...marksInText(textOf(root))];
}

/** A Message-ID without its angle brackets: the first `<…>` in the field (RFC 5322 §3.6.4), at most 998 long. */
export function bareMessageId(field: string | undefined): string | undefined {
  if (!field) return undefined;
  const start = field.indexOf('<');
  const end = field.indexOf('>', start + 1);
  if (start < 0 || end < 0 || end - start - 1 > 998) return undefined;
  return field.slice(start + 1, end).trim() || undefined;
}

type Messages = Pick<Messenger, 'messages'>;

/**
 * A saved draft is reopened as `draft`, its related message the draft itself: what it answers or forwards is in the
 * headers Thunderbird saved with it (In-Reply-To; X-Forwarded-Message-Id for a forward), found again by its
 * Message-ID.
 */
async function draftOrigin(api: Messages, draftId: number): Promise<ThreadOrigin | undefined> {
  const draft = await api.messages.getFull(draftId, { decrypt: false });
  const header = (name: string) => draft.headers?.[name]?.[0];
  const replied = bareMessageId(header('in-reply-to'));
  const forwarded = bareMessageId(header('x-forwarded-message-id'));
  const how = replied ? 'reply' : forwarded ? 'forward' : undefined;
  const headerMessageId = replied ?? forwarded;
  if (!how || !headerMessageId) return undefined;
  const [original] = (await api.messages.query({ headerMessageId })).messages;
  if (!original) return { how, marks: [] };
  return { how, marks: marksOfOriginal(await api.messages.getFull(original.id, { decrypt: false })) };
}

async function originOf(
  api: Messages,
  how: ThreadOrigin['how'],
  relatedMessageId: number,
): Promise<ThreadOrigin> {
  const root = await api.messages.getFull(relatedMessageId, { decrypt: false });
  return { how, marks: marksOfOriginal(root) };
}

/**
 * The thread this composer belongs to, or `undefined` for a new message. An original Thunderbird cannot give (moved,
 * deleted) leaves only what the reply quotes to go by; the failure is recorded.
 */
export async function threadOrigin(
  api: Messages,
  details: Pick<ComposeDetails, 'type' | 'relatedMessageId'>,
): Promise<ThreadOrigin | undefined> {
  const { type, relatedMessageId } = details;
  const how = type ? HOW[type] : undefined;
  if (relatedMessageId === undefined) return how ? { how, marks: [] } : undefined;
  if (!how && type !== 'draft') return undefined;
  try {
    return how ? await originOf(api, how, relatedMessageId) : await draftOrigin(api, relatedMessageId);
  } catch (error) {
    recordFailure('reading the message this one replies to or forwards', error);
    return how ? { how, marks: [] } : undefined;
  }
}
