/**
 * What happens to the sender's own link once a message is stored for secure pickup: the add-in keeps it through
 * the host (never on the Sendguard service, which must not learn the sender secret), and a copy of the notice with
 * it goes to the sender's own mailbox where the host can put it there unasked (Thunderbird). Elsewhere (Outlook)
 * the "Sent securely" list offers "Mail me my copy"; and where the link could be kept nowhere, the copy opens as a
 * new message to the sender at once, so that the link is never thrown away.
 */
import { messageOf } from '../../core/errors';
import type { MailHost, SenderLink } from '../host';
import { openOwnCopy } from './mail-own-copy';
import { ownCopy, type SentByPickup } from './own-copy';

const NOTICE_ID = 'sendguard-own-link';

/** Puts the copy in the sender's mailbox where the host can do that unasked; false where it could not. */
async function putCopy(host: MailHost, address: string | undefined, sent: SentByPickup): Promise<boolean> {
  if (!host.putInOwnMailbox || !address) return false;
  try {
    await host.putInOwnMailbox(ownCopy(address, sent));
    return true;
  } catch (error) {
    await say(host, `Your copy of the link could not be put in your mailbox (${messageOf(error)}).`);
    return false;
  }
}

async function keepLink(host: MailHost, link: SenderLink): Promise<boolean> {
  if (!host.senderLinks) return false;
  try {
    await host.senderLinks.keep(link);
    return true;
  } catch (error) {
    await say(host, `Sendguard could not keep your link to this secure message (${messageOf(error)}).`);
    return false;
  }
}

/** A notice in the host's info bar; failing to show it must not fail what was applied. */
async function say(host: MailHost, text: string): Promise<void> {
  await host.notify({ id: NOTICE_ID, kind: 'error', text }).catch(() => undefined);
}

/** Never throws: the message is stored and ready to send whatever becomes of the sender's copy. */
export async function keepOwnLink(host: MailHost, sent: SentByPickup): Promise<void> {
  const address = await host.getSenderAddress().catch(() => undefined);
  const copied = await putCopy(host, address, sent);
  const link = { id: sent.id, url: sent.senderUrl, expiresAt: sent.expiresAt, ownCopy: copied };
  if ((await keepLink(host, link)) || copied || !address) return;
  await openOwnCopy(host, address, sent).catch((error: unknown) =>
    say(host, `Your copy of the link could not be opened (${messageOf(error)}).`),
  );
}
