/// <reference types="office-js" />
/**
 * The compose item's attachments over Office.js: listed, read and added as base64 (no atob/btoa), removed.
 *
 * An attached message or event (an item attachment) is read as the MIME message or iCalendar file it is, and
 * listed under a file name saying so. An inline image's content id is the one the HTML body shows it by: Office
 * says it from Mailbox 1.16; before that it is found in the body (inline-images.ts).
 */
import type { HostAttachment, MailHost, NewAttachment } from '../addin/host';
import { SendguardError } from '../core/errors';
import { base64ToBytes, bytesToBase64 } from '../core/base64';
import { contentIdsByName } from './inline-images';
import { officeAsync } from './office-async';

type AttachmentMethods = 'listAttachments' | 'getAttachmentContent' | 'addAttachment' | 'removeAttachment';

/** What an item attachment's content format makes of it: the file it is carried as. */
const ITEM_FILES: Record<string, { extension: string; contentType: string }> = {
  eml: { extension: '.eml', contentType: 'message/rfc822' },
  iCalendar: { extension: '.ics', contentType: 'text/calendar' },
};

/** Compose-side details: `contentId` from Mailbox 1.16, `contentType` where a client still gives it. */
type Details = Office.AttachmentDetailsCompose & { contentId?: string; contentType?: string };

const isItem = (details: Details) => details.attachmentType === 'item';

function toHostAttachment(
  details: Details,
  contentId: string | undefined,
  itemFormat?: string,
): HostAttachment {
  const file = itemFormat === undefined ? undefined : ITEM_FILES[itemFormat];
  const named = file && !details.name.toLowerCase().endsWith(file.extension);
  return {
    id: details.id,
    name: named ? `${details.name}${file.extension}` : details.name,
    // Compose-side details carry no MIME type in most Outlooks.
    contentType: file?.contentType ?? details.contentType ?? 'application/octet-stream',
    size: details.size,
    inline: details.isInline,
    ...(contentId ? { contentId } : {}),
    kind: isItem(details) ? 'item' : 'file',
  };
}

/** The bytes of an attachment's content as Office gives it, or why it has none to give. */
function contentBytes(office: typeof Office, content: Office.AttachmentContent): Uint8Array {
  const formats = office.MailboxEnums.AttachmentContentFormat;
  switch (content.format) {
    case formats.Base64:
      return base64ToBytes(content.content);
    case formats.Eml:
    case formats.ICalendar:
      return new TextEncoder().encode(content.content);
    default:
      throw new SendguardError(
        'OFFICE_ATTACHMENT_NOT_A_FILE',
        `this attachment is a link to a file stored elsewhere (${content.format}), not a file in the message`,
      );
  }
}

export function officeAttachments(
  office: typeof Office,
  item: Office.MessageCompose,
): Pick<MailHost, AttachmentMethods> {
  const readContent = (id: string) =>
    officeAsync<Office.AttachmentContent>('reading an attachment', (cb) =>
      item.getAttachmentContentAsync(id, cb),
    );
  // An item's format is learnt by reading it; an attachment's id stays the same while the message is composed.
  const itemFormats = new Map<string, string>();
  const itemFormat = async (id: string) => {
    const known = itemFormats.get(id);
    if (known !== undefined) return known;
    const { format } = await readContent(id);
    itemFormats.set(id, format);
    return format;
  };

  /** The content ids Office does not give, from the body: read once, only when an inline image lacks one. */
  async function contentIds(list: Details[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unknown = list.filter((a) => a.isInline && !a.contentId);
    for (const a of list) if (a.isInline && a.contentId) found.set(a.id, a.contentId);
    if (unknown.length === 0) return found;
    const html = await officeAsync<string>('reading the body', (cb) =>
      item.body.getAsync(office.CoercionType.Html, cb),
    );
    contentIdsByName(
      html,
      unknown.map((a) => a.name),
    ).forEach((id, i) => id !== undefined && found.set(unknown[i]!.id, id));
    return found;
  }

  return {
    async listAttachments() {
      const list = await officeAsync<Details[]>('listing attachments', (cb) => item.getAttachmentsAsync(cb));
      const ids = await contentIds(list);
      const attachments: HostAttachment[] = [];
      for (const details of list) {
        const format = isItem(details) ? await itemFormat(details.id) : undefined;
        attachments.push(toHostAttachment(details, ids.get(details.id), format));
      }
      return attachments;
    },
    async getAttachmentContent(id) {
      const bytes = contentBytes(office, await readContent(id));
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
