/**
 * What the "Sent securely" list says about one message, in plain sentences: the service knows no subject, so a
 * message is named by its recipients and dates.
 */
import type { MessageSummary } from '../../core/escrow/wire';
import { OWN_COPY_SUBJECT_PREFIX } from './own-copy';
import { utcTime } from '../../core/utc-time';

type Recipient = MessageSummary['recipients'][number];

/** The recipients' addresses as one comma-separated list, the way the list names them in every sentence. */
export const addresses = (recipients: readonly Recipient[]): string =>
  recipients.map((r) => r.address).join(', ');

export function recipientsLine(message: MessageSummary): string {
  return `To ${addresses(message.recipients)}`;
}

export function stateLine(message: MessageSummary): string {
  const sent = `Sent ${utcTime(message.createdAt)}`;
  switch (message.state) {
    case 'ready':
      return `${sent}; recipients can open it until ${utcTime(message.expiresAt)}.`;
    case 'revoked':
      return `${sent}; revoked: nobody can open it any more.`;
    case 'expired':
      return `${sent}; expired ${utcTime(message.expiresAt)}: nobody can open it any more.`;
    case 'uploading':
      return `${sent}; its upload did not finish, so recipients cannot open it.`;
  }
}

/** What a recipient who proved who they are did: proving is not opening (a passcode may still be missing). */
const PROVED: Record<Recipient['proof'], string> = {
  'sign-in': 'signed in',
  passcode: 'entered the mailed code',
  code: 'entered the mailed code',
};

/**
 * Who opened it (was given its keys), who proved who they are without opening it yet, who has done neither, and
 * whose access was revoked.
 */
export function openedLine(message: MessageSummary): string {
  const opened = message.recipients.filter((r) => r.openedAt);
  const proved = message.recipients.filter((r) => !r.openedAt && r.verifiedAt && r.state === 'active');
  const waiting = message.recipients.filter((r) => !r.openedAt && !r.verifiedAt && r.state === 'active');
  const revoked = message.recipients.filter((r) => !r.openedAt && r.state === 'revoked');
  return [
    opened.length > 0
      ? `Opened by ${opened.map((r) => `${r.address} (${utcTime(r.openedAt!)})`).join(', ')}.`
      : 'Not opened yet.',
    ...proved.map((r) => `${r.address} ${PROVED[r.proof]}, has not opened it yet.`),
    waiting.length > 0 && opened.length + proved.length > 0 ? `Not yet opened by ${addresses(waiting)}.` : '',
    revoked.length > 0 ? `Access revoked for ${addresses(revoked)}.` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}

export function repliesLine(message: MessageSummary, linkKept: boolean): string {
  if (message.replies === 0) return 'No replies.';
  const count = message.replies === 1 ? '1 secure reply' : `${message.replies} secure replies`;
  return linkKept
    ? `${count}: open your link to read them.`
    : `${count}: your link opens them, and Sendguard keeps none here.`;
}

/**
 * Where the sender's link may be when this add-in keeps none for the message here. It cannot know whether a copy
 * was made (the link may have been kept on another computer, or sent before copies existed), so it says where to
 * look, not that it is there.
 */
export const LINK_ELSEWHERE =
  `Sendguard keeps no link of yours to this message here. If a copy of the notice was made, your link is in it, ` +
  `in your mailbox (subject “${OWN_COPY_SUBJECT_PREFIX} …”); it may also be kept by Sendguard on the computer ` +
  `you sent it from. Messages sent before Sendguard made such copies have no link for you.`;
