/**
 * "Mail me my copy" where the host cannot put mail in the sender's mailbox unasked (Outlook: sending needs broader
 * permissions than the add-in asks for): the copy opens as a new message to the sender, to send to themselves.
 */
import type { MessageSummary } from '../../core/escrow/wire';
import type { MailHost, SenderLink } from '../host';
import { ownCopy, type SentByPickup } from './own-copy';

/** Opens the copy as a new message from and to `address`; false where the host cannot open one. */
export async function openOwnCopy(host: MailHost, address: string, sent: SentByPickup): Promise<boolean> {
  if (!host.openNewMessage) return false;
  const copy = ownCopy(address, sent);
  await host.openNewMessage({ to: [address], cc: [], bcc: [], subject: copy.subject, html: copy.html });
  return true;
}

/** Opens the copy of a listed message and marks its link as copied; resolves to what the sender does next. */
export async function mailOwnCopy(
  host: MailHost,
  message: MessageSummary,
  link: SenderLink,
): Promise<string> {
  const address = await host.getSenderAddress();
  const sent = {
    id: message.id,
    senderUrl: link.url,
    expiresAt: message.expiresAt,
    recipients: message.recipients.map((r) => r.address),
    sentAt: new Date(message.createdAt),
  };
  if (!address || !(await openOwnCopy(host, address, sent)))
    throw new Error('this mail client cannot open a message to your own address');
  await host.senderLinks?.keep({ ...link, ownCopy: true });
  return `A new message to ${address} is open with your link in it: send it to keep your copy in your mailbox.`;
}
