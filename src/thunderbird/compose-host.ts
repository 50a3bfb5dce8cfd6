/**
 * `MailHost` over `messenger.compose` for one compose tab: what the shared pane (src/addin/ui) works through in
 * Thunderbird. Every read asks the composer afresh, so the pane always sees what the sender sees.
 */
import type { HostAttachment, HostNotice, MailHost } from '../addin/host';
import {
  addressesOf,
  bodyChange,
  bodyOf,
  headerOf,
  importanceOf,
  recipientList,
  recipientsOf,
  senderOf,
  withHeaders,
} from './details';
import { thunderbirdLists } from './mailing-lists';
import type { Messenger } from './messenger';
import { thunderbirdNewMessages } from './new-messages';
import { notify } from './notify';
import { ownMailbox } from './own-mailbox';
import { composeTab } from './tab-gone';
import { threadOrigin } from './thread-origin';

export function createComposeHost(api: Messenger, tabId: number, dark: () => boolean): MailHost {
  // Every call on this tab goes through `tab`, so a tab closed under the pane is a MessageGoneError to all.
  const tab = composeTab(api, tabId);
  const { details, change } = tab;
  const lists = thunderbirdLists(api);

  return {
    getRecipients: async () => lists.mark(recipientsOf(await details())),
    lists: lists.directory,
    setRecipients: (field, recipients) => change({ [field]: recipientList(recipients) }),
    getSubject: async () => (await details()).subject ?? '',
    setSubject: (subject) => change({ subject }),
    getBody: async (format) => bodyOf(await details(), format),
    setBody: async (body) => change(bodyChange(body, (await details()).isPlainText === true)),
    async listAttachments() {
      const list = await tab.listAttachments();
      // Thunderbird keeps inline images in the HTML body (as data: URLs), not in this list. The list gives no
      // MIME type; an attachment's File does, as Thunderbird will send it (guessed from the name). An attached
      // message is saved as a file too, named after its subject plus .eml: its type marks it as an item.
      return Promise.all(
        list.map(async (a): Promise<HostAttachment> => {
          const contentType = (await tab.attachmentFile(a.id)).type || 'application/octet-stream';
          return {
            id: String(a.id),
            name: a.name,
            contentType,
            size: a.size,
            inline: false,
            kind: contentType === 'message/rfc822' ? 'item' : 'file',
          };
        }),
      );
    },
    getAttachmentContent: async (id) => (await tab.attachmentFile(Number(id))).arrayBuffer(),
    async addAttachment(attachment) {
      const file = new File([attachment.data], attachment.name, { type: attachment.contentType });
      await tab.addAttachment({ file, name: attachment.name });
    },
    removeAttachment: (id) => tab.removeAttachment(Number(id)),
    getHeader: async (name) => headerOf(await details(), name),
    setHeaders: async (headers) => change({ customHeaders: withHeaders(await details(), headers) }),
    // The send check reads the live composer through onBeforeSend, not a saved draft: nothing to save.
    save: async () => undefined,
    newMessages: thunderbirdNewMessages(api, tab, (opened) => createComposeHost(api, opened, dark)),
    getImportance: async () => importanceOf(await details()),
    getReplyTo: async () => addressesOf((await details()).replyTo),
    send: tab.send,
    getSenderAddress: async () => senderOf(await details()),
    getThreadOrigin: async () => threadOrigin(api, await details()),
    ...ownMailbox(api, tab),
    notify: (notice: HostNotice) => notify(api, notice),
    theme: () => (dark() ? 'dark' : 'light'),
    onRecipientsChanged(listener) {
      const onState = (tab: { id?: number }) => {
        if (tab.id === tabId) listener();
      };
      api.compose.onComposeStateChanged.addListener(onState);
      return () => api.compose.onComposeStateChanged.removeListener(onState);
    },
  };
}
