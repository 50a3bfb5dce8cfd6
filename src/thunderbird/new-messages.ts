/**
 * Where a split moves a group of recipients in Thunderbird: a new compose tab opened by `compose.beginNew` with
 * everything the original had (recipients per field, subject, the HTML body as written, every attachment with its
 * name and type, importance, reply-to, the sending identity, the classification the sender chose), and reachable
 * afterwards, so that the pane can protect it and send it (`compose.sendMessage`, which runs the send check as the
 * sender's Send would).
 *
 * Thunderbird's composer holds an inline image in the HTML body itself, as a `data:` URL (inserted, pasted, or
 * loaded back from a draft or the message replied to), and turns each one into a `Content-ID` part of a
 * multipart/related message when it sends, and lists none of them among the attachments. So the body as written
 * carries every inline image, and every attachment given goes in as a file.
 */
import type { MailHost, NewMessage, NewMessageCarries, NewMessages } from '../addin/host';
import { CLASSIFICATION_HEADER } from '../addin/protect/applied';
import { SendguardError } from '../core/errors';
import { priorityOf, withHeaders } from './details';
import type { Messenger } from './messenger';
import { composeTab, type ComposeTab } from './tab-gone';

const CARRIES: NewMessageCarries = {
  files: true,
  items: true,
  inlineImages: true,
  importance: true,
  replyTo: true,
  classification: true,
};

/**
 * New messages opened from the compose tab `from`, which gives the sending identity; `hostFor` makes the
 * `MailHost` of an opened tab.
 */
export function thunderbirdNewMessages(
  api: Messenger,
  from: ComposeTab,
  hostFor: (tabId: number) => MailHost,
): NewMessages {
  return {
    carries: CARRIES,
    async open(message: NewMessage) {
      const original = await from.details();
      const { identityId } = original;
      const tab = await api.compose.beginNew(undefined, {
        ...(identityId ? { identityId } : {}),
        to: message.to,
        cc: message.cc,
        bcc: message.bcc,
        subject: message.subject,
        body: message.html,
        isPlainText: false,
        attachments: (message.attachments ?? []).map((file) => ({
          file: new File([file.data], file.name, { type: file.contentType }),
        })),
        // Importance is one of three values where Thunderbird has five priorities: the new message takes the
        // original's own priority (Highest stays Highest) while it still reads as the importance carried.
        ...(message.importance ? { priority: priorityOf(message.importance, original) } : {}),
        // Given even when empty: the identity's own reply-to would otherwise come back in a message whose sender
        // had removed it.
        replyTo: message.replyTo ?? [],
        // Written as the pane writes it on the original (setHeaders), so the new message's pane and send check
        // plan with the sender's choice.
        ...(message.classification !== undefined
          ? { customHeaders: withHeaders({}, { [CLASSIFICATION_HEADER]: message.classification }) }
          : {}),
      });
      const tabId = tab.id;
      if (tabId === undefined)
        throw new SendguardError(
          'NEW_MESSAGE_UNREACHABLE',
          'Thunderbird opened the new message but did not say which window it is in: check and send it from there.',
        );
      return { host: hostFor(tabId), send: composeTab(api, tabId).send };
    },
  };
}
