/**
 * The part of Thunderbird's MailExtension API (`messenger.*`, Manifest V3, Thunderbird 128 and later) this add-on
 * uses, typed from Thunderbird's own schemas (compose.json, messageDisplay.json, messages.json, tabs.json, storage,
 * notifications, permissions). Every module takes a `Messenger` as a parameter rather than reaching for the global,
 * so the unit tests run the same code against test/thunderbird/fake-messenger.ts.
 */

/** `Name <address>` or a bare address; address-book nodes are objects and need a permission this add-on lacks. */
export type ComposeRecipient = string | { nodeId: string; type: 'contact' | 'mailingList' };
export type ComposeRecipientList = ComposeRecipient | ComposeRecipient[];

export interface CustomHeader {
  name: string;
  value: string;
}

export interface EncryptionProperties {
  name: 'OpenPGP' | 'S/MIME';
  encryptBody: boolean;
  encryptSubject?: boolean;
  signMessage: boolean;
}

/** The priorities Thunderbird's composer offers; `normal` writes no header. */
export type ComposePriority = 'lowest' | 'low' | 'normal' | 'high' | 'highest';

/** An attachment for the begin* functions: a File, named as the composer shows it (the File's name by default). */
export interface FileAttachment {
  file: File;
  name?: string;
}

export interface ComposeDetails {
  from?: ComposeRecipient;
  identityId?: string;
  to?: ComposeRecipientList;
  cc?: ComposeRecipientList;
  bcc?: ComposeRecipientList;
  subject?: string;
  /** The HTML body; Thunderbird also fills `plainTextBody` with its text conversion. */
  body?: string;
  plainTextBody?: string;
  isPlainText?: boolean;
  customHeaders?: CustomHeader[];
  priority?: ComposePriority;
  replyTo?: ComposeRecipientList;
  /** Only read by the begin* functions; the attachment's content type is its File's `type`. */
  attachments?: FileAttachment[];
  /** Undefined when the sending identity has no encryption configured. */
  selectedEncryptionTechnology?: EncryptionProperties;
  /** What the composer was opened as (read only); `redirect` resends a message as it came. */
  type?: 'draft' | 'new' | 'redirect' | 'reply' | 'forward';
  /** The message replied to, forwarded, redirected or edited as a draft (read only). */
  relatedMessageId?: number;
}

/** One part of a message as messages.getFull gives it; header names lower case, each with its values. */
export interface MessagePart {
  contentType?: string;
  headers?: Record<string, string[]>;
  /** A text part's decoded content. */
  body?: string;
  parts?: MessagePart[];
  /** The root part only: whether the message was encrypted (`none`: it was not) and what became of decrypting it. */
  decryptionStatus?: 'none' | 'skipped' | 'success' | 'fail';
}

export interface ComposeAttachment {
  id: number;
  name: string;
  size: number;
}

export interface Tab {
  id?: number;
  windowId?: number;
  type?: string;
  active: boolean;
}

/** The part of messages.json's MessageHeader the read popup uses. */
export interface MessageHeader {
  id: number;
  subject?: string;
  author?: string;
  headerMessageId?: string;
}

export interface ExtensionEvent<Listener> {
  addListener(listener: Listener): void;
  removeListener(listener: Listener): void;
  hasListener(listener: Listener): boolean;
}

/** What an `onBeforeSend` listener returns; returning nothing lets the message go. */
export interface BeforeSendResult {
  cancel?: boolean;
  details?: ComposeDetails;
}

export type BeforeSendListener = (tab: Tab, details: ComposeDetails) => Promise<BeforeSendResult>;

export interface StorageArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

/** An address book (addressBooks.list without `complete`). */
export interface AddressBookNode {
  id: string;
  name: string;
}

/** A mailing list of an address book: the composer shows it as `name <description or name>`. */
export interface MailingListNode {
  id: string;
  name: string;
  nickName?: string;
  description?: string;
}

/** A contact, as Manifest V3 gives it: its vCard (RFC 6350) and nothing else about it. */
export interface ContactNode {
  id: string;
  vCard: string;
}

export interface Messenger {
  /** The sender's address books, read only (permission addressBooks): mailing lists are expanded locally. */
  addressBooks: {
    list(complete?: boolean): Promise<AddressBookNode[]>;
    mailingLists: {
      list(parentId: string): Promise<MailingListNode[]>;
      listMembers(id: string): Promise<ContactNode[]>;
    };
  };
  compose: {
    getComposeDetails(tabId: number): Promise<ComposeDetails>;
    setComposeDetails(tabId: number, details: ComposeDetails): Promise<void>;
    listAttachments(tabId: number): Promise<ComposeAttachment[]>;
    getAttachmentFile(attachmentId: number): Promise<File>;
    addAttachment(tabId: number, attachment: { file: File; name?: string }): Promise<ComposeAttachment>;
    removeAttachment(tabId: number, attachmentId: number): Promise<void>;
    beginNew(messageId?: number, details?: ComposeDetails): Promise<Tab>;
    /**
     * Sends the message in that tab as the sender's Send would (permission compose.send): the onBeforeSend
     * listeners run first, and the promise rejects when one cancels or the outgoing server refuses.
     */
    sendMessage(
      tabId: number,
      options?: { mode?: 'default' | 'sendNow' | 'sendLater' },
    ): Promise<{ mode: 'sendNow' | 'sendLater'; headerMessageId?: string }>;
    onBeforeSend: ExtensionEvent<BeforeSendListener>;
    /** Fires when the composer's "can be sent" state changes, which follows the recipients as they are edited. */
    onComposeStateChanged: ExtensionEvent<(tab: Tab, state: { canSendNow: boolean }) => void>;
  };
  composeAction: {
    setBadgeText(details: { text: string | null; tabId?: number }): Promise<void>;
    openPopup(options?: { windowId?: number }): Promise<boolean>;
  };
  messageDisplay: {
    /** The message shown in that tab, or null when none (or more than one) is. */
    getDisplayedMessage(tabId: number): Promise<MessageHeader | null>;
  };
  messages: {
    /** The message as stored, unmodified; `File` keeps a large message out of a string (Thunderbird 117+). */
    getRaw(messageId: number, options: { data_format: 'File' }): Promise<File>;
    /** The messages whose Message-ID is this one, without its angle brackets (permission messagesRead). */
    query(queryInfo: { headerMessageId: string }): Promise<{ messages: MessageHeader[] }>;
    /** The message as a tree of parts; `decrypt: false` leaves an encrypted one as it came (Thunderbird 125+). */
    getFull(messageId: number, options?: { decrypt?: boolean }): Promise<MessagePart>;
    /** Adds an RFC 5322 message to a folder without sending it (permissions accountsRead and messagesImport). */
    import(file: File, folderId: string): Promise<MessageHeader>;
  };
  /** The sending identities (permission accountsRead). */
  identities: {
    get(identityId: string): Promise<{ id: string; accountId: string; email: string } | null>;
  };
  folders: {
    query(query: {
      accountId?: string;
      specialUse?: string[];
    }): Promise<Array<{ id: string; name?: string }>>;
  };
  windows: {
    /** Opens a page in the system's browser, outside Thunderbird. */
    openDefaultBrowser(url: string): Promise<void>;
    /**
     * Opens a window (no permission needed); `popup` shows one add-on page, `url` resolved against the add-on's
     * root. Resolves once the window has focus and has loaded.
     */
    create(createData: {
      type?: 'normal' | 'popup';
      url?: string;
      width?: number;
      height?: number;
    }): Promise<{ id?: number }>;
  };
  tabs: {
    query(query: { active?: boolean; currentWindow?: boolean; type?: string }): Promise<Tab[]>;
    get(tabId: number): Promise<Tab>;
  };
  storage: { local: StorageArea };
  notifications: {
    create(
      id: string,
      options: { type: 'basic'; title: string; message: string; iconUrl?: string },
    ): Promise<string>;
    onClicked: ExtensionEvent<(notificationId: string) => void>;
  };
  permissions: {
    request(permissions: { origins: string[] }): Promise<boolean>;
    contains(permissions: { origins: string[] }): Promise<boolean>;
  };
  runtime: {
    openOptionsPage(): Promise<void>;
    getURL(path: string): string;
  };
}

/** The global the MailExtension runtime provides; only entry files read it. */
export function messengerGlobal(): Messenger {
  const api = (globalThis as { messenger?: Messenger }).messenger;
  if (!api) throw new Error('This page runs only inside Thunderbird.');
  return api;
}
