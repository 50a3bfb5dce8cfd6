/// <reference types="office-js" />
/**
 * The compose item's attachments over Office.js: listed, read and added as base64 (no atob/btoa), removed.
 *
 * An attached message or event (an item attachment) is read as the MIME message or iCalendar file it is, and
 * listed under a file name saying so and with that file's size (Outlook's item size is not what is carried: an .eml
 * holds its own attachments as base64, a third larger). A cloud attachment (a link to a file in OneDrive or
 * SharePoint) is listed as such: it has no content to read. An inline image's content id is the one the HTML body shows it by: Office
 * says it from Mailbox 1.16; before that it is found in the body (inline-images.ts).
 */
import type { AttachmentKind, HostAttachment, MailHost, NewAttachment } from '../addin/host';
import { base64ToBytes, bytesToBase64 } from '../core/base64';
import { SendguardError } from '../core/errors';
import { utf8Length } from '../core/utf8';
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

/** Office's `AttachmentType` values (`file`, `item`, `cloud`) are the kinds' names; anything else is a file. */
const kindOf = (details: Details): AttachmentKind =>
  details.attachmentType === 'item' || details.attachmentType === 'cloud' ? details.attachmentType : 'file';

/** An item attachment as read: its content's format and the size of the file it is carried as. */
interface ItemContent {
  format: string;
  size: number;
}

function toHostAttachment(
  details: Details,
  contentId: string | undefined,
  item?: ItemContent,
): HostAttachment {
  const file = item === undefined ? undefined : ITEM_FILES[item.format];
  const named = file && !details.name.toLowerCase().endsWith(file.extension);
  return {
    id: details.id,
    name: named ? `${details.name}${file.extension}` : details.name,
    // Compose-side details carry no MIME type in most Outlooks.
    contentType: file?.contentType ?? details.contentType ?? 'application/octet-stream',
    size: file && item ? item.size : details.size,
    inline: details.isInline,
    ...(contentId ? { contentId } : {}),
    kind: kindOf(details),
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
  // An item's format and file size are learnt by reading it; an attachment's id stays the same while the message
  // is composed. The file is its text as UTF-8 (contentBytes).
  const items = new Map<string, ItemContent>();
  // The content of the items the latest listing read, handed out by getAttachmentContent: a split or a protection
  // needing an attached message's bytes would otherwise read the same item, often several MB, through Office a
  // second time. Each listing starts a new map, so what is held is at most the current listing's items, and
  // nothing read before the latest listing is served after it. Files are not read at listing, so not held.
  let listedContent = new Map<string, Office.AttachmentContent>();
  const itemContent = async (id: string, held: Map<string, Office.AttachmentContent>) => {
    const known = items.get(id);
    if (known !== undefined) return known;
    const content = await readContent(id);
    held.set(id, content);
    const read = { format: content.format, size: utf8Length(content.content) };
    items.set(id, read);
    return read;
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
      const held = new Map<string, Office.AttachmentContent>();
      listedContent = held;
      const list = await officeAsync<Details[]>('listing attachments', (cb) => item.getAttachmentsAsync(cb));
      const ids = await contentIds(list);
      const attachments: HostAttachment[] = [];
      for (const details of list) {
        const item = kindOf(details) === 'item' ? await itemContent(details.id, held) : undefined;
        attachments.push(toHostAttachment(details, ids.get(details.id), item));
      }
      return attachments;
    },
    async getAttachmentContent(id) {
      const bytes = contentBytes(office, listedContent.get(id) ?? (await readContent(id)));
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
