/**
 * What the shared add-in code needs from a mail client. Each host (Outlook through Office.js, Thunderbird through
 * `messenger.*`, the try-it page's simulated item) implements this once in its own folder; nothing under
 * `src/addin` touches a host API directly, so the pane, the protect modules and their tests run on any of them.
 */
import type { RecipientField } from '../core/recipient-fields';
import type { ListDirectory } from './lists/directory';
import type { ThreadOrigin } from './thread/marks';

export type { RecipientField } from '../core/recipient-fields';

/**
 * What the host says a recipient is (Outlook's `recipientType`; Thunderbird marks its address-book mailing lists):
 * a `list` is expanded into its members before the message is planned (src/addin/lists). Absent: the host cannot
 * tell, which counts as one person's address.
 */
export type RecipientKind = 'user' | 'external' | 'list' | 'other';

export interface HostRecipient {
  address: string;
  displayName?: string;
  kind?: RecipientKind;
  /** A member of a list the sender addressed: that list's address, as the sender sees it in the message. */
  via?: string;
}

export type HostRecipients = Record<RecipientField, HostRecipient[]>;

/** One value for each recipient field, e.g. a message's `to`, `cc` and `bcc` read from the same source. */
export function perField<T>(read: (field: RecipientField) => T): Record<RecipientField, T> {
  return { to: read('to'), cc: read('cc'), bcc: read('bcc') };
}

export interface HostAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** An image the HTML body shows; OpenPGP and secure pickup carry it as an attachment like any other. */
  inline: boolean;
  /** An inline image's content id as the HTML body refers to it (`cid:<contentId>`), where the host knows it. */
  contentId?: string;
  /**
   * `item`: an attached message or event (Outlook's item attachments), whose content the host gives as the MIME
   * message it is (`message/rfc822`, an .eml file), and whose `size` is that file's; `cloud`: a link to a file
   * kept in OneDrive or SharePoint (Outlook's cloud attachments), which has no content the add-in can read or carry;
   * `file` otherwise.
   */
  kind: AttachmentKind;
}

/** What an attachment is: a file, an attached message or event, or a link to a file kept elsewhere. */
export type AttachmentKind = 'file' | 'item' | 'cloud';

export interface NewAttachment {
  name: string;
  contentType: string;
  data: ArrayBuffer;
}

/** A message's importance as mail clients set it (RFC 4021's `Importance`). */
export type Importance = 'low' | 'normal' | 'high';

/** One attachment a new message carries over from the message it was made from, with its bytes. */
export interface CarriedAttachment {
  name: string;
  contentType: string;
  data: ArrayBuffer;
  inline: boolean;
  /** With `inline`: the content id the new message's HTML refers to it by (`cid:<contentId>`). */
  contentId?: string;
  kind: AttachmentKind;
}

/** A message the host opens for the sender to review and send: where a split moves a group of recipients. */
export interface NewMessage {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  /** The HTML body as written; inline images refer to `attachments` by content id. */
  html: string;
  attachments?: CarriedAttachment[];
  /** Absent: the host's default (normal). */
  importance?: Importance;
  /** Absent or empty: replies go to the sender. */
  replyTo?: string[];
  /**
   * The classification the sender chose for the original (a policy's classification name), which the host writes
   * to the new message's `X-Sendguard-Classification` header, so that its pane and send check plan with it.
   */
  classification?: string;
}

/** What a new message the host opens can carry over; the pane names what it cannot before a split. */
export interface NewMessageCarries {
  /** Attachments that are files. */
  files: boolean;
  /** Attached messages and events (carried as .eml files). */
  items: boolean;
  /** Inline images, with the HTML body still showing them. */
  inlineImages: boolean;
  importance: boolean;
  replyTo: boolean;
  /** The classification the sender chose, written on the new message for its pane and send check. */
  classification: boolean;
  /**
   * The largest HTML body a new message can take, in UTF-8 bytes (Outlook's new-message form takes 32 KB where it
   * cannot hand a longer body over); absent: any.
   */
  htmlBytes?: number;
  /** Why not, for what it cannot carry: one sentence the pane shows, naming the client's limit. */
  limit?: string;
}

/**
 * A message the host opened. Where the host lets the add-in reach it (Thunderbird), a `MailHost` over it, so that
 * the pane can protect it, and `send`, which sends it as the sender's Send would (the send check runs on it).
 */
export interface OpenedMessage {
  host?: MailHost;
  send?: () => Promise<void>;
  /**
   * Set when the message opened but did not get everything (Outlook's hand-off was not acknowledged in time): one
   * sentence telling the sender what to add to it by hand. Its recipients still count as moved: they are in it.
   */
  missing?: string;
}

/** Opening new messages: what they can carry, and opening one. */
export interface NewMessages {
  carries: NewMessageCarries;
  open(message: NewMessage): Promise<OpenedMessage>;
}

export interface HostNotice {
  /** Stable id: a later notice with the same id replaces the earlier one instead of stacking. */
  id: string;
  kind: 'info' | 'error';
  text: string;
}

export type HostTheme = 'light' | 'dark';

/**
 * The sender's own link to a message they sent by secure pickup (`…/pickup/#s1.<id>.<sender secret>`): it opens the
 * message and its secure replies. Kept until the message expires.
 */
export interface SenderLink {
  id: string;
  url: string;
  /** ISO 8601: when the message expires (its link then opens nothing). */
  expiresAt: string;
  /** Whether a copy of the notice with this link is in the sender's mailbox (put there, or sent by them and confirmed). */
  ownCopy: boolean;
}

/**
 * Where the add-in keeps the sender's links: somewhere only the sender reaches (their mailbox's add-in settings,
 * their mail profile), never the Sendguard service, which must not learn the sender secret.
 */
export interface SenderLinkStore {
  keep(link: SenderLink): Promise<void>;
  /** The links kept for messages not yet expired. */
  list(): Promise<SenderLink[]>;
  /** Drops the links of these messages (revoked or expired: their links open nothing any more). */
  forget(ids: readonly string[]): Promise<void>;
}

/** A message for the sender's own mailbox: their copy of a pickup notice, with their own link. */
export interface OwnCopy {
  /** The sender's address: the copy is from and to them. */
  address: string;
  subject: string;
  html: string;
  text: string;
}

/** The compose item the pane works on. */
export interface MailHost {
  getRecipients(): Promise<HostRecipients>;
  /** Replaces one field's recipients (a split removes the group it moved to a new message). */
  setRecipients(field: RecipientField, recipients: HostRecipient[]): Promise<void>;
  getSubject(): Promise<string>;
  setSubject(subject: string): Promise<void>;
  getBody(format: 'html' | 'text'): Promise<string>;
  /** Replaces the whole body; `text` goes in as plain text (an inline PGP message must not be reflowed as HTML). */
  setBody(body: { format: 'html' | 'text'; content: string }): Promise<void>;
  listAttachments(): Promise<HostAttachment[]>;
  getAttachmentContent(id: string): Promise<ArrayBuffer>;
  addAttachment(attachment: NewAttachment): Promise<void>;
  removeAttachment(id: string): Promise<void>;
  /** `undefined` when the item has no such header (or the host cannot read headers on a draft). */
  getHeader(name: string): Promise<string | undefined>;
  setHeaders(headers: Record<string, string>): Promise<void>;
  /** Saves the draft so that what was applied is what the send check reads. */
  save(): Promise<void>;
  /** Opens new compose windows, or `undefined` where the host cannot: no split offered there. */
  newMessages?: NewMessages;
  /** The importance the sender set; absent where the host cannot read it. */
  getImportance?: () => Promise<Importance>;
  /** The reply-to addresses the sender set (empty when none); absent where the host cannot read them. */
  getReplyTo?: () => Promise<string[]>;
  /** Sends this message as the sender's Send would (the send check runs); absent where the add-in cannot. */
  send?: () => Promise<void>;
  /**
   * Where the pane lives in a popup that closes when another window takes focus (Thunderbird's compose button),
   * reopens the pane for this message in a window of its own, where a split's new messages cannot cut it off;
   * absent where the pane already stays open.
   */
  reopenInWindow?: () => Promise<void>;
  /**
   * Where the host can read who is on a list recipient (Outlook through Microsoft Graph, Thunderbird from its
   * address books); absent where it cannot, and every list then has unknown membership.
   */
  lists?: ListDirectory;
  /** The sensitivity label's name, where the host has labels and one is set. */
  getSensitivityLabel?: () => Promise<string | undefined>;
  /**
   * Whether this message replies to or forwards another, and what the original's headers show of its protection;
   * `undefined` for a new message. Absent where the host cannot tell: the message is then planned as a new one.
   */
  getThreadOrigin?: () => Promise<ThreadOrigin | undefined>;
  /**
   * The sender's own address — the message's From (a shared mailbox or an alias where the sender picked one) — for
   * encrypting to their own key and for the reply path.
   */
  getSenderAddress(): Promise<string | undefined>;
  /** Keeps the sender's links to their secure-pickup messages; absent where the host has nowhere to keep them. */
  senderLinks?: SenderLinkStore;
  /** Opens a page in the sender's browser, outside the mail client (a sender link opens there). */
  openInBrowser?: (url: string) => Promise<void>;
  /**
   * Puts a message into the sender's own mailbox without asking them, where the host can do that without sending
   * mail; absent elsewhere (Outlook: the pane offers to open the copy as a new message instead).
   */
  putInOwnMailbox?: (copy: OwnCopy) => Promise<void>;
  notify(notice: HostNotice): Promise<void>;
  theme(): HostTheme;
  /** Calls back when the recipients change; returns the function that stops listening. */
  onRecipientsChanged(listener: () => void): () => void;
}

/**
 * A received message, for the read-side transport report (issue 9): the raw header block is all it needs. Hosts
 * implement it beside `MailHost` when they add a read surface.
 */
export interface ReadHost {
  getAllHeaders(): Promise<string>;
  theme(): HostTheme;
}
