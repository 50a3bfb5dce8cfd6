/**
 * The sender's copy of a listed message, made from "Sent securely" when applying did not make one: put in their
 * mailbox where the host can do that unasked (Thunderbird, again after a failed import), else opened as a new
 * message to the sender to send to themselves (Outlook: sending needs broader permissions than the add-in asks
 * for). An opened message is not a sent one: the link counts as copied only once the sender says they sent it.
 */
import { messageOf, SendguardError } from '../../core/errors';
import type { MessageSummary } from '../../core/escrow/wire';
import type { MailHost, SenderLink } from '../host';
import { ownCopy, type SentByPickup } from './own-copy';

/** Opens the copy as a new message from and to `address`; false where the host cannot open one. */
export async function openOwnCopy(host: MailHost, address: string, sent: SentByPickup): Promise<boolean> {
  if (!host.newMessages) return false;
  const copy = ownCopy(address, sent);
  await host.newMessages.open({ to: [address], cc: [], bcc: [], subject: copy.subject, html: copy.html });
  return true;
}

/** The copy is in the sender's mailbox, but their kept link could not be marked as having one. */
export const OWN_COPY_UNMARKED = 'OWN_COPY_UNMARKED';

/**
 * Puts the copy in the sender's mailbox where the host can do that unasked, then marks `link` (when the link is
 * kept) as having a copy; false where the host cannot put one. Throws where putting fails, and a SendguardError
 * OWN_COPY_UNMARKED where only the marking failed (the copy is in the mailbox then).
 */
export async function putOwnCopy(
  host: MailHost,
  address: string,
  sent: SentByPickup,
  link: SenderLink | undefined,
): Promise<boolean> {
  if (!host.putInOwnMailbox) return false;
  await host.putInOwnMailbox(ownCopy(address, sent));
  if (link)
    await confirmOwnCopy(host, link).catch((error: unknown) => {
      throw new SendguardError(OWN_COPY_UNMARKED, messageOf(error), { cause: error });
    });
  return true;
}

/** How the list makes a copy on this host; `undefined` where it can make none. */
export function copyWay(host: MailHost): 'put' | 'open' | undefined {
  if (host.putInOwnMailbox) return 'put';
  return host.newMessages ? 'open' : undefined;
}

/** What became of a copy made from the list: in the mailbox, or open for the sender to send. */
export type CopyMade = { kind: 'put' } | { kind: 'opened'; address: string };

/** Makes the copy of a listed message the host's way; throws where it cannot, saying why. */
export async function mailOwnCopy(
  host: MailHost,
  message: MessageSummary,
  link: SenderLink,
): Promise<CopyMade> {
  const address = await host.getSenderAddress();
  if (!address) throw new Error('the mail client did not say which address you send from');
  const sent: SentByPickup = {
    id: message.id,
    senderUrl: link.url,
    expiresAt: message.expiresAt,
    recipients: message.recipients.map((r) => r.address),
    sentAt: new Date(message.createdAt),
  };
  if (await putOwnCopy(host, address, sent, link)) return { kind: 'put' };
  if (!(await openOwnCopy(host, address, sent)))
    throw new Error('this mail client cannot open a message to your own address');
  return { kind: 'opened', address };
}

/** The sender has a copy in their mailbox (they sent the opened one, or the host put it there). */
export async function confirmOwnCopy(host: MailHost, link: SenderLink): Promise<void> {
  await host.senderLinks?.keep({ ...link, ownCopy: true });
}
