/**
 * What happens to the sender's own link once a message is stored for secure pickup: the add-in keeps it through
 * the host (never on the Sendguard service, which must not learn the sender secret) before anything else changes,
 * then a copy of the notice with it goes to the sender's own mailbox where the host can put it there unasked
 * (Thunderbird). Elsewhere (Outlook) the "Sent securely" list offers "Mail me my copy" until the sender says they
 * sent it; and where the link could be kept nowhere, the copy opens as a new message to the sender at once, so
 * that the link is never thrown away.
 */
import { messageOf, SendguardError } from '../../core/errors';
import type { MailHost, SenderLink } from '../host';
import { openOwnCopy, OWN_COPY_UNMARKED, putOwnCopy } from './mail-own-copy';
import type { SentByPickup } from './own-copy';

const NOTICE_ID = 'sendguard-own-link';

/** A notice in the host's info bar; failing to show it must not fail what was applied. */
async function say(host: MailHost, text: string): Promise<void> {
  await host.notify({ id: NOTICE_ID, kind: 'error', text }).catch(() => undefined);
}

const linkOf = (sent: SentByPickup, ownCopy: boolean): SenderLink => ({
  id: sent.id,
  url: sent.senderUrl,
  expiresAt: sent.expiresAt,
  ownCopy,
});

/**
 * Keeps the link as soon as the service stored the message, before the draft changes (whatever fails after that,
 * the link is not lost); false where the host has no store or the store failed, which the host's notice says.
 */
export async function keepSenderLink(host: MailHost, sent: SentByPickup): Promise<boolean> {
  if (!host.senderLinks) return false;
  try {
    await host.senderLinks.keep(linkOf(sent, false));
    return true;
  } catch (error) {
    await say(host, `Sendguard could not keep your link to this secure message (${messageOf(error)}).`);
    return false;
  }
}

/**
 * The sender's copy, made once the draft is the notice: put in their mailbox (and the kept link marked as having
 * a copy), or, when the link was kept nowhere, opened as a new message to them. Never throws: the message is
 * stored and ready to send whatever becomes of the copy.
 */
export async function makeOwnCopy(host: MailHost, sent: SentByPickup, kept: boolean): Promise<void> {
  const address = await host.getSenderAddress().catch(() => undefined);
  if (!address) return;
  try {
    if (await putOwnCopy(host, address, sent, kept ? linkOf(sent, false) : undefined)) return;
  } catch (error) {
    // Only the mark failed: the copy is in the mailbox, and the list offers to make one again.
    if (error instanceof SendguardError && error.code === OWN_COPY_UNMARKED) return;
    await say(host, `Your copy of the link could not be put in your mailbox (${messageOf(error)}).`);
  }
  if (kept) return;
  await openOwnCopy(host, address, sent).catch((error: unknown) =>
    say(host, `Your copy of the link could not be opened (${messageOf(error)}).`),
  );
}
