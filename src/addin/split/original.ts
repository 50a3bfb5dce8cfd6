/**
 * The whole original message as a split must carry it: subject, the HTML body as written, every attachment (files,
 * attached items, inline images with their content ids), importance, reply-to and the classification the sender
 * chose (without it a new message would be planned from the detectors alone). `readOutline` reads what the
 * checks before a split need (no attachment bytes) beyond what was read with the message (`readParts`);
 * `readCarried` reads the attachments' bytes, once, when splitting.
 */
import type { MessageOutline } from '../../core/message-size';
import type { CarriedAttachment, HostAttachment, HostRecipients, Importance, MailHost } from '../host';
import type { ReadParts } from '../read-message';

/** The original as the checks before a split read it. */
export interface Outline extends MessageOutline {
  recipients: HostRecipients;
  attachments: HostAttachment[];
  /** Absent where the host cannot read it. */
  importance?: Importance;
  /** Empty when none is set or the host cannot read it. */
  replyTo: string[];
  /** The classification the sender chose (its name), where they chose one. */
  classification?: string;
  /** What the host cannot read at all, so that neither it nor its absence is known. */
  unreadable: Unreadable[];
}

export type Unreadable = 'importance' | 'replyTo';

export type OutlineReader = Pick<MailHost, 'getBody' | 'listAttachments' | 'getImportance' | 'getReplyTo'>;

/** `read`: the recipients, subject, text and classification already read with the message; the rest is read here. */
export async function readOutline(host: OutlineReader, read: ReadParts): Promise<Outline> {
  const [html, attachments, importance, replyTo] = await Promise.all([
    host.getBody('html'),
    host.listAttachments(),
    host.getImportance?.(),
    host.getReplyTo?.() ?? [],
  ]);
  const unreadable: Unreadable[] = [
    ...(host.getImportance ? [] : ['importance' as const]),
    ...(host.getReplyTo ? [] : ['replyTo' as const]),
  ];
  return {
    recipients: read.recipients,
    subject: read.subject,
    html,
    text: read.text,
    attachments,
    ...(importance !== undefined ? { importance } : {}),
    replyTo,
    ...(read.chosen !== undefined ? { classification: read.chosen } : {}),
    unreadable,
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

/**
 * The outline with the classification the sender has chosen in the open pane since it was read (the pane writes
 * the choice to the message at once, and a split reads the message again; this is what it will find).
 */
export const withChosen = (outline: Outline, chosen: string | undefined): Outline =>
  chosen === undefined ? outline : { ...outline, classification: chosen };
