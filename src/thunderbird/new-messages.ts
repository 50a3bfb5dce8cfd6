/**
 * Where a split moves a group of recipients in Thunderbird: a new compose tab opened by `compose.beginNew` with
 * everything the original had (recipients per field, subject, the HTML body as written, every attachment with its
 * name and type, importance, reply-to, the sending identity, the classification the sender chose), and reachable
 * afterwards, so that the pane can protect it and send it (`compose.sendMessage`, which runs the send check as the
 * sender's Send would).
 *
 * Thunderbird's composer holds an inline image in the HTML body itself, as a `data:` URL (inserted, pasted, or
 * loaded back from a draft or the message replied to), and turns each one into a `Content-ID` part of a
 * multipart/related message when it sends. So the body as written carries Thunderbird's own inline images; an
 * inline image given as a separate part that the HTML refers to by `cid:` goes into the body the same way.
 */
import type { CarriedAttachment, MailHost, NewMessage, NewMessageCarries, NewMessages } from '../addin/host';
import { CLASSIFICATION_HEADER } from '../addin/protect/applied';
import { toBase64Url } from '../core/escrow/bytes';
import { SendguardError } from '../core/errors';
import { priorityOf, withHeaders } from './details';
import type { Messenger } from './messenger';

const CARRIES: NewMessageCarries = {
  files: true,
  items: true,
  inlineImages: true,
  importance: true,
  replyTo: true,
  classification: true,
};

function base64(data: ArrayBuffer): string {
  const url = toBase64Url(new Uint8Array(data));
  return url.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (url.length % 4)) % 4);
}

/** The form Thunderbird's own image dialog writes (EdImageLinkLoader.js), whose file name it sends the part with. */
function dataUrl(image: CarriedAttachment): string {
  return `data:${image.contentType};filename=${encodeURIComponent(image.name)};base64,${base64(image.data)}`;
}

/**
 * The body with every inline image it refers to by `cid:` written into it, and the attachments left to add as
 * files. An inline image the body does not refer to is added as a file rather than dropped.
 */
function embedInlineImages(
  html: string,
  attachments: readonly CarriedAttachment[],
): { html: string; files: CarriedAttachment[] } {
  let body = html;
  const files: CarriedAttachment[] = [];
  for (const attachment of attachments) {
    const reference = attachment.contentId ? `cid:${attachment.contentId}` : undefined;
    if (attachment.inline && reference && body.includes(reference))
      body = body.replaceAll(reference, dataUrl(attachment));
    else files.push(attachment);
  }
  return { html: body, files };
}

/** Sends the message in a compose tab now, as its Send button would: the onBeforeSend listeners decide first. */
export async function sendNow(api: Messenger, tabId: number): Promise<void> {
  await api.compose.sendMessage(tabId, { mode: 'sendNow' });
}

/**
 * New messages opened from the compose tab `fromTabId`, which gives the sending identity; `hostFor` makes the
 * `MailHost` of an opened tab.
 */
export function thunderbirdNewMessages(
  api: Messenger,
  fromTabId: number,
  hostFor: (tabId: number) => MailHost,
): NewMessages {
  return {
    carries: CARRIES,
    async open(message: NewMessage) {
      const { identityId } = await api.compose.getComposeDetails(fromTabId);
      const { html, files } = embedInlineImages(message.html, message.attachments ?? []);
      const tab = await api.compose.beginNew(undefined, {
        ...(identityId ? { identityId } : {}),
        to: message.to,
        cc: message.cc,
        bcc: message.bcc,
        subject: message.subject,
        body: html,
        isPlainText: false,
        attachments: files.map((file) => ({
          file: new File([file.data], file.name, { type: file.contentType }),
        })),
        ...(message.importance ? { priority: priorityOf(message.importance) } : {}),
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
      return { host: hostFor(tabId), send: () => sendNow(api, tabId) };
    },
  };
}
