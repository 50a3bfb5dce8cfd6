/// <reference types="office-js" />
/** The compose item's attachments over Office.js: listed, read and added as base64 (no atob/btoa), removed. */
import type { HostAttachment, MailHost, NewAttachment } from '../addin/host';
import { SendguardError } from '../core/errors';
import { base64ToBytes, bytesToBase64 } from './base64';
import { officeAsync } from './office-async';

type AttachmentMethods = 'listAttachments' | 'getAttachmentContent' | 'addAttachment' | 'removeAttachment';

function toHostAttachment(attachment: Office.AttachmentDetailsCompose): HostAttachment {
  return {
    id: attachment.id,
    name: attachment.name,
    // Compose-side details carry no MIME type in most Outlooks.
    contentType: (attachment as { contentType?: string }).contentType ?? 'application/octet-stream',
    size: attachment.size,
    inline: attachment.isInline,
  };
}

export function officeAttachments(
  office: typeof Office,
  item: Office.MessageCompose,
): Pick<MailHost, AttachmentMethods> {
  return {
    listAttachments: () =>
      officeAsync<Office.AttachmentDetailsCompose[]>('listing attachments', (cb) =>
        item.getAttachmentsAsync(cb),
      ).then((list) => list.map(toHostAttachment)),
    async getAttachmentContent(id) {
      const content = await officeAsync<Office.AttachmentContent>('reading an attachment', (cb) =>
        item.getAttachmentContentAsync(id, cb),
      );
      if (content.format !== office.MailboxEnums.AttachmentContentFormat.Base64) {
        throw new SendguardError(
          'OFFICE_ATTACHMENT_NOT_A_FILE',
          `this attachment is a ${content.format} item, which cannot be encrypted as a file`,
        );
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
  };
}
