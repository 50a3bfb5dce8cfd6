/// <reference types="office-js" />
/**
 * `MailHost` over Office.js for a compose item: the only file of the pane that talks to Outlook. The Office
 * namespace is passed in (the real global in Outlook, the simulated one on the try-it page, a mock in tests).
 */
import type {
  HostAttachment,
  HostNotice,
  HostRecipient,
  HostRecipients,
  HostTheme,
  MailHost,
  NewAttachment,
  NewMessage,
  RecipientField,
} from '../addin/host';
import { base64ToBytes, bytesToBase64 } from './base64';
import { officeAsync } from './office-async';

/** The manifest's 16-pixel icon resource, which informational notices must name. */
const NOTICE_ICON = 'Icon.16x16';

type ComposeItem = Office.MessageCompose;

function fieldOf(item: ComposeItem, field: RecipientField): Office.Recipients {
  return field === 'to' ? item.to : field === 'cc' ? item.cc : item.bcc;
}

function toHostRecipient(details: Office.EmailAddressDetails): HostRecipient {
  return {
    address: details.emailAddress,
    ...(details.displayName && details.displayName !== details.emailAddress
      ? { displayName: details.displayName }
      : {}),
  };
}

/** Dark when the host's body background is dark (relative luminance under one half). */
export function themeOf(office: typeof Office): HostTheme {
  const hex = office.context.officeTheme?.bodyBackgroundColor?.replace('#', '');
  if (!hex || !/^[0-9a-f]{6}$/i.test(hex)) return 'light';
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 0.5 ? 'dark' : 'light';
}

export function createOfficeHost(office: typeof Office): MailHost {
  const item = office.context.mailbox.item as ComposeItem;

  const getField = (field: RecipientField) =>
    officeAsync<Office.EmailAddressDetails[]>(`reading ${field}`, (cb) =>
      fieldOf(item, field).getAsync(cb),
    ).then((list) => list.map(toHostRecipient));

  async function labelName(): Promise<string | undefined> {
    if (!item.sensitivityLabel || !office.context.sensitivityLabelsCatalog) return undefined;
    const id = await officeAsync<string>('reading the sensitivity label', (cb) =>
      item.sensitivityLabel.getAsync(cb),
    );
    if (!id) return undefined;
    const catalog = await officeAsync<Office.SensitivityLabelDetails[]>('reading the label catalog', (cb) =>
      office.context.sensitivityLabelsCatalog.getAsync(cb),
    );
    const flat = catalog.flatMap((label) => [label, ...(label.children ?? [])]);
    return flat.find((label) => label.id === id)?.name ?? id;
  }

  const host: MailHost = {
    async getRecipients(): Promise<HostRecipients> {
      const [to, cc, bcc] = await Promise.all([getField('to'), getField('cc'), getField('bcc')]);
      return { to, cc, bcc };
    },
    setRecipients: (field, recipients) =>
      officeAsync<void>(`changing ${field}`, (cb) =>
        fieldOf(item, field).setAsync(
          recipients.map((r) => ({ emailAddress: r.address, displayName: r.displayName ?? r.address })),
          cb,
        ),
      ),
    getSubject: () => officeAsync<string>('reading the subject', (cb) => item.subject.getAsync(cb)),
    setSubject: (subject) =>
      officeAsync<void>('changing the subject', (cb) => item.subject.setAsync(subject, cb)),
    getBody: (format) =>
      officeAsync<string>('reading the body', (cb) =>
        item.body.getAsync(format === 'html' ? office.CoercionType.Html : office.CoercionType.Text, cb),
      ),
    setBody: ({ format, content }) =>
      officeAsync<void>('replacing the body', (cb) =>
        item.body.setAsync(
          content,
          { coercionType: format === 'html' ? office.CoercionType.Html : office.CoercionType.Text },
          cb,
        ),
      ),
    listAttachments: () =>
      officeAsync<Office.AttachmentDetailsCompose[]>('listing attachments', (cb) =>
        item.getAttachmentsAsync(cb),
      ).then((list) =>
        list.map((a): HostAttachment => ({
          id: a.id,
          name: a.name,
          // Compose-side details carry no MIME type in most Outlooks.
          contentType: (a as { contentType?: string }).contentType ?? 'application/octet-stream',
          size: a.size,
          inline: a.isInline,
        })),
      ),
    async getAttachmentContent(id) {
      const content = await officeAsync<Office.AttachmentContent>('reading an attachment', (cb) =>
        item.getAttachmentContentAsync(id, cb),
      );
      if (content.format !== office.MailboxEnums.AttachmentContentFormat.Base64) {
        throw new Error(`this attachment is a ${content.format} item, which cannot be encrypted as a file`);
      }
      const bytes = base64ToBytes(content.content);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
    addAttachment: (attachment: NewAttachment) =>
      officeAsync<string>(`attaching ${attachment.name}`, (cb) =>
        item.addFileAttachmentFromBase64Async(
          bytesToBase64(attachment.data),
          attachment.name,
          { isInline: false },
          cb,
        ),
      ).then(() => undefined),
    removeAttachment: (id) =>
      officeAsync<void>('removing an attachment', (cb) => item.removeAttachmentAsync(id, cb)),
    async getHeader(name) {
      const headers = await officeAsync<Record<string, string>>(`reading ${name}`, (cb) =>
        item.internetHeaders.getAsync([name], cb),
      );
      // Hosts differ in the case they give header names back in.
      const found = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
      return found !== undefined && headers[found] !== '' ? headers[found] : undefined;
    },
    setHeaders: (headers) =>
      officeAsync<void>('setting headers', (cb) => item.internetHeaders.setAsync(headers, cb)),
    save: () => officeAsync<string>('saving the draft', (cb) => item.saveAsync(cb)).then(() => undefined),
    getSensitivityLabel: labelName,
    getSenderAddress: async () => office.context.mailbox.userProfile?.emailAddress || undefined,
    notify: (notice: HostNotice) =>
      officeAsync<void>('showing a notice', (cb) =>
        item.notificationMessages.replaceAsync(
          notice.id,
          notice.kind === 'error'
            ? { type: office.MailboxEnums.ItemNotificationMessageType.ErrorMessage, message: notice.text }
            : {
                type: office.MailboxEnums.ItemNotificationMessageType.InformationalMessage,
                message: notice.text,
                icon: NOTICE_ICON,
                persistent: false,
              },
          cb,
        ),
      ),
    theme: () => themeOf(office),
    onRecipientsChanged(listener) {
      item.addHandlerAsync(office.EventType.RecipientsChanged, listener);
      return () => item.removeHandlerAsync(office.EventType.RecipientsChanged);
    },
  };
  // Opening a second compose form from a compose item needs Mailbox 1.9; without it, no split is offered.
  if (office.context.requirements?.isSetSupported('Mailbox', '1.9')) {
    host.openNewMessage = async (message: NewMessage) => {
      office.context.mailbox.displayNewMessageForm({
        toRecipients: message.to,
        ccRecipients: message.cc,
        bccRecipients: message.bcc,
        subject: message.subject,
        htmlBody: message.html,
      });
    };
  }
  return host;
}
