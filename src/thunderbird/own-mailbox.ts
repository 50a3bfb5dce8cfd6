/**
 * Thunderbird's side of the sender's own links: kept in the add-on's local storage (this profile only; the copy in
 * the mailbox is what follows the sender elsewhere), opened in the system browser, and the copy of the notice
 * imported straight into the Inbox of the account the message is sent from. Importing sends nothing: the link
 * crosses no mail route, and the send check does not stop a copy to oneself.
 */
import type { MailHost, OwnCopy } from '../addin/host';
import { senderLinkStore, type SettingSlot } from '../addin/sent/link-store';
import type { Messenger } from './messenger';
import { ownCopyMessage } from './own-copy-message';
import type { ComposeTab } from './tab-gone';

const KEY = 'senderLinks';

/** Local storage has room to spare; the bound only keeps a list that nobody prunes from growing for ever. */
const SENDER_LINKS_BUDGET = 1024 * 1024;

function storageSlot(api: Messenger): SettingSlot {
  return {
    read: async () => (await api.storage.local.get(KEY))[KEY],
    write: (value) => api.storage.local.set({ [KEY]: value }),
  };
}

/** The Inbox of the account this compose tab sends from. */
async function inboxOf(api: Messenger, tab: ComposeTab): Promise<string> {
  const { identityId } = await tab.details();
  const identity = identityId ? await api.identities.get(identityId) : null;
  if (!identity) throw new Error('Thunderbird did not say which account this message is sent from');
  const [inbox] = await api.folders.query({ accountId: identity.accountId, specialUse: ['inbox'] });
  if (!inbox) throw new Error('the account this message is sent from has no Inbox');
  return inbox.id;
}

export function ownMailbox(
  api: Messenger,
  tab: ComposeTab,
): Pick<MailHost, 'senderLinks' | 'openInBrowser' | 'putInOwnMailbox'> {
  return {
    senderLinks: senderLinkStore(storageSlot(api), { budget: SENDER_LINKS_BUDGET }),
    openInBrowser: (url) => api.windows.openDefaultBrowser(url),
    async putInOwnMailbox(copy: OwnCopy) {
      const folderId = await inboxOf(api, tab);
      const message = ownCopyMessage(copy, crypto.randomUUID(), new Date());
      const file = new File([message], 'own-copy.eml', { type: 'message/rfc822' });
      await api.messages.import(file, folderId);
    },
  };
}
