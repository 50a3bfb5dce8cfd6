/**
 * The sender's copy of a pickup notice: the same message named by its recipients and dates, with the sender's own
 * link instead of the recipients'. It goes only to the sender's own mailbox, where it stays when the add-in's kept
 * link is dropped or the sender works on another computer.
 */
import { escapeMarkup } from '../../core/markup';
import type { OwnCopy } from '../host';
import { utcTime } from '../../core/utc-time';

export interface SentByPickup {
  id: string;
  /** The sender's link (`#s1.…`). */
  senderUrl: string;
  expiresAt: string;
  recipients: readonly string[];
  /** When it was sent; now, for a copy made as the message goes. */
  sentAt: Date;
  /** Where the subject is known (the message being sent); the service never sees one. */
  subject?: string;
}

export const OWN_COPY_SUBJECT_PREFIX = 'Your link to your secure message';

function subjectOf(sent: SentByPickup): string {
  return sent.subject
    ? `${OWN_COPY_SUBJECT_PREFIX} “${sent.subject}”`
    : `${OWN_COPY_SUBJECT_PREFIX} to ${sent.recipients.join(', ')}`;
}

function paragraphs(sent: SentByPickup): string[] {
  const what = sent.subject ? `“${sent.subject}”` : 'a message';
  return [
    `You sent ${what} by secure pickup to ${sent.recipients.join(', ')} on ${utcTime(sent.sentAt)}. This is your copy of the notice, with your own link.`,
    'Your link opens the message and the secure replies its recipients send you. It is yours alone: do not forward this email, because whoever has the link can read the replies.',
    `Recipients got a link of their own. They can open the message until ${utcTime(sent.expiresAt)}; you can revoke it or change that date under “Sent securely” in the Sendguard pane.`,
  ];
}

export function ownCopy(address: string, sent: SentByPickup): OwnCopy {
  const [intro, ...rest] = paragraphs(sent);
  const text = [intro, '', sent.senderUrl, '', ...rest.flatMap((p) => [p, ''])].join('\n').trimEnd();
  const html = [
    '<div style="font-family: Segoe UI, Arial, sans-serif; font-size: 14px; line-height: 1.5">',
    `<p>${escapeMarkup(intro!)}</p>`,
    `<p><a href="${escapeMarkup(sent.senderUrl)}">Open your secure message and its replies</a></p>`,
    ...rest.map((p) => `<p>${escapeMarkup(p)}</p>`),
    `<p style="color: #605e5c; font-size: 12px">If the link does not work, copy this address into your browser: ${escapeMarkup(sent.senderUrl)}</p>`,
    '</div>',
  ].join('\n');
  return { address, subject: subjectOf(sent), html, text };
}
