/**
 * The whole original message as a split must carry it: subject, the HTML body as written, every attachment (files,
 * attached items, inline images with their content ids), importance and reply-to. `readOutline` reads what the
 * checks before a split need (no attachment bytes); `readCarried` reads the attachments' bytes, once, when splitting.
 */
import type { MessageOutline } from '../../core/message-size';
import type { CarriedAttachment, HostAttachment, HostRecipients, Importance, MailHost } from '../host';

/** The original as the checks before a split read it. */
export interface Outline extends MessageOutline {
  recipients: HostRecipients;
  attachments: HostAttachment[];
  /** Absent where the host cannot read it. */
  importance?: Importance;
  /** Empty when none is set or the host cannot read it. */
  replyTo: string[];
}

export type OutlineReader = Pick<
  MailHost,
  'getRecipients' | 'getSubject' | 'getBody' | 'listAttachments' | 'getImportance' | 'getReplyTo'
>;

export async function readOutline(host: OutlineReader): Promise<Outline> {
  const [recipients, subject, html, text, attachments, importance, replyTo] = await Promise.all([
    host.getRecipients(),
    host.getSubject(),
    host.getBody('html'),
    host.getBody('text'),
    host.listAttachments(),
    host.getImportance?.(),
    host.getReplyTo?.() ?? [],
  ]);
  return {
    recipients,
    subject,
    html,
    text,
    attachments,
    ...(importance !== undefined ? { importance } : {}),
    replyTo,
  };
}

/** Each attachment with its bytes, in the order the host lists them; an item's bytes are the .eml it gives. */
export async function readCarried(
  host: Pick<MailHost, 'getAttachmentContent'>,
  attachments: readonly HostAttachment[],
  progress: (name: string) => void = () => undefined,
): Promise<CarriedAttachment[]> {
  const carried: CarriedAttachment[] = [];
  for (const attachment of attachments) {
    progress(attachment.name);
    const { name, contentType, inline, contentId, kind } = attachment;
    carried.push({
      name,
      contentType,
      data: await host.getAttachmentContent(attachment.id),
      inline,
      ...(contentId !== undefined ? { contentId } : {}),
      kind,
    });
  }
  return carried;
}
