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
export const ORIGINAL_TEXT_MAX = 1_000_000;

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

/** What the original shows of its protection: its root headers, its decryption status and its text. */
export function marksOfOriginal(root: MessagePart): ThreadMark[] {
  const marks = marksInHeaders((name) => root.headers?.[name.toLowerCase()]?.[0]);
  const status = root.decryptionStatus;
  const encrypted = status !== undefined && status !== 'none';
  if (encrypted && !marks.some((m) => m.kind === 'openpgp' || m.kind === 'smime'))
    marks.push({ kind: 'encrypted' });
  return [...marks, ...marksInText(textOf(root))];
}

/**
 * The thread this composer belongs to, or `undefined` for a new message. An original Thunderbird cannot give (moved,
 * deleted) leaves only what the reply quotes to go by; the failure is recorded.
 */
export async function threadOrigin(
  api: Pick<Messenger, 'messages'>,
  details: Pick<ComposeDetails, 'type' | 'relatedMessageId'>,
): Promise<ThreadOrigin | undefined> {
  const how = details.type ? HOW[details.type] : undefined;
  if (!how) return undefined;
  if (details.relatedMessageId === undefined) return { how, marks: [] };
  try {
    const root = await api.messages.getFull(details.relatedMessageId, { decrypt: false });
    return { how, marks: marksOfOriginal(root) };
  } catch (error) {
    recordFailure('reading the message this one replies to or forwards', error);
    return { how, marks: [] };
  }
}
