/**
 * A faithful fake of the `messenger.*` surface the add-on uses (src/thunderbird/messenger.ts), modelled on
 * Thunderbird's own implementation (mail/components/extensions/parent/ext-compose.js): every call answers
 * asynchronously; storage hands out copies, never its own objects; setComposeDetails replaces the custom-header
 * list as a whole and throws on a header Thunderbird refuses; and `send` runs the onBeforeSend listeners the way
 * Thunderbird's beforeSendEventTracker does — one after the other, a `cancel` stops the send, returned `details`
 * are applied, returning nothing lets the message go, and a listener that throws leaves the send hanging;
 * `sendMessage` goes the same way and, once sent, closes the tab and keeps what was sent in `sent`. `beginNew`
 * opens a tab as ext-compose.js does: with the given identity (the default one otherwise; an unknown one throws),
 * its `attachments` added under their File's name and type, and the composer's defaults (normal priority, no
 * reply-to) where the details say nothing.
 * Received messages are shown in mail tabs (`displayMessage`), as ext-messageDisplay.js and ext-messages.js
 * serve them: `getDisplayedMessage` throws for a tab that does not exist and answers null where no message is
 * shown; `getRaw` hands the stored source back unchanged, as a File when asked for one; `getFull` gives its tree of
 * parts as ext-messages.js does (header names lower case, text parts decoded, the root's decryption status), and an
 * encrypted message only left encrypted (`decrypt: false`): this fake cannot decrypt, as Thunderbird can; `query`
 * finds stored messages by their Message-ID.
 */
import type {
  BeforeSendListener,
  ComposeAttachment,
  ContactNode,
  MailingListNode,
  ComposeDetails,
  ExtensionEvent,
  MessageHeader,
  MessagePart,
  Messenger,
  StorageArea,
  Tab,
} from '../../src/thunderbird/messenger';
import { parseMime, type MimePart } from '../helpers/mime-parts';

/** Thunderbird answers on a later turn of the event loop, never synchronously. */
const later = <T>(value: () => T): Promise<T> =>
  new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(value());
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    }, 0),
  );

export class FakeEvent<Listener extends (...args: never[]) => unknown> implements ExtensionEvent<Listener> {
  readonly listeners = new Set<Listener>();
  addListener(listener: Listener): void {
    this.listeners.add(listener);
  }
  removeListener(listener: Listener): void {
    this.listeners.delete(listener);
  }
  hasListener(listener: Listener): boolean {
    return this.listeners.has(listener);
  }
  /** Calls every listener, as the extension framework does, and collects what each returned. */
  async fire(...args: Parameters<Listener>): Promise<unknown[]> {
    return Promise.all([...this.listeners].map((listener) => listener(...args)));
  }
}

export class FakeStorageArea implements StorageArea {
  readonly data = new Map<string, unknown>();
  get(keys?: string | string[] | null): Promise<Record<string, unknown>> {
    return later(() => {
      const wanted = keys === undefined || keys === null ? [...this.data.keys()] : [keys].flat();
      return Object.fromEntries(
        wanted.filter((k) => this.data.has(k)).map((k) => [k, structuredClone(this.data.get(k))]),
      );
    });
  }
  set(items: Record<string, unknown>): Promise<void> {
    return later(() => {
      for (const [key, value] of Object.entries(items)) this.data.set(key, structuredClone(value));
    });
  }
  remove(keys: string | string[]): Promise<void> {
    return later(() => {
      for (const key of [keys].flat()) this.data.delete(key);
    });
  }
}

function allowedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (lower.startsWith('x-') && !lower.startsWith('x-mozilla-')) || lower.startsWith('list-');
}

const stripTags = (html: string) => html.replace(/<[^>]*>/g, '');

/** A parsed part as getFull gives it. */
function messagePart(part: MimePart): MessagePart {
  const headers = Object.fromEntries([...part.headers].map(([name, value]) => [name, [value]]));
  return {
    contentType: part.type,
    headers,
    ...(part.parts.length > 0
      ? { parts: part.parts.map(messagePart) }
      : part.type.startsWith('text/')
        ? { body: part.content.toString('utf8') }
        : {}),
  };
}

/**
 * As Thunderbird 153 gives it: a `message/rfc822` root with the message's header fields (its Content-Type that
 * type), and the message's own MIME tree as its one part, carrying only the Content-* fields.
 */
function fullMessage(raw: string, decrypt: boolean): MessagePart {
  const root = parseMime(raw);
  const encrypted = root.type === 'multipart/encrypted';
  if (encrypted && decrypt) throw new Error('this fake cannot decrypt: ask with decrypt: false');
  const top = messagePart(root);
  const content = Object.fromEntries(
    Object.entries(top.headers ?? {}).filter(([n]) => n.startsWith('content-')),
  );
  return {
    contentType: 'message/rfc822',
    headers: { ...top.headers, 'content-type': ['message/rfc822'] },
    parts: [{ ...top, headers: content }],
    decryptionStatus: encrypted ? 'skipped' : 'none',
  };
}

export interface FakeComposeTab {
  tab: Tab;
  details: ComposeDetails;
  attachments: Map<number, File>;
}

/** A message that left through `compose.sendMessage`: its details and attachments as they were at that moment. */
export interface SentMessage {
  details: ComposeDetails;
  attachments: File[];
}

export type SendOutcome =
  { kind: 'sent'; details: ComposeDetails } | { kind: 'cancelled' } | { kind: 'hung' };

export interface FakeMailTab {
  tab: Tab;
  /** The message shown, if any. */
  message: MessageHeader | null;
}

export function fakeMessenger() {
  const composeTabs = new Map<number, FakeComposeTab>();
  const mailTabs = new Map<number, FakeMailTab>();
  const rawMessages = new Map<number, string>();
  let nextMessage = 1;
  const storage = new FakeStorageArea();
  const notifications: Array<{ id: string; title: string; message: string }> = [];
  const badges = new Map<number | undefined, string | null>();
  const granted = new Set<string>();
  let nextTab = 1;
  let nextAttachment = 1;
  const onBeforeSend = new FakeEvent<BeforeSendListener>();
  const onComposeStateChanged = new FakeEvent<(tab: Tab, state: { canSendNow: boolean }) => void>();
  const onNotificationClicked = new FakeEvent<(id: string) => void>();
  const popupsOpened: Array<number | undefined> = [];
  /** One account with two identities (the first the default) and its folders; imports land in `imported`. */
  const identities = [
    { id: 'id1', accountId: 'account1', email: 'sam@example.gov', name: 'Sam Sender' },
    { id: 'id2', accountId: 'account1', email: 'sam.private@example.org', name: 'Sam Private' },
  ];
  const folders = [
    { id: 'account1://INBOX', name: 'Inbox', accountId: 'account1', specialUse: ['inbox'] },
    { id: 'account1://Sent', name: 'Sent', accountId: 'account1', specialUse: ['sent'] },
  ];
  const imported: Array<{ folderId: string; file: File }> = [];
  const sent: SentMessage[] = [];
  const browsed: string[] = [];
  /** Windows the add-on opened with windows.create, as it asked for them. */
  const windowsCreated: Array<Parameters<Messenger['windows']['create']>[0]> = [];
  let nextWindow = 500;

  const allTabs = () => [...composeTabs.values(), ...mailTabs.values()].map((t) => t.tab);
  const anyTab = (tabId: number) => {
    const found = allTabs().find((tab) => tab.id === tabId);
    if (!found) throw new Error(`Invalid tab ID: ${tabId}`);
    return found;
  };

  const composeTab = (tabId: number) => {
    const found = composeTabs.get(tabId);
    if (!found) throw new Error(`Invalid compose tab: ${tabId}`);
    return found;
  };

  function applyDetails(target: FakeComposeTab, details: ComposeDetails): void {
    for (const header of details.customHeaders ?? []) {
      if (!allowedHeader(header.name)) throw new Error(`Invalid custom header: ${header.name}.`);
    }
    // As Thunderbird: the composer's format never changes, and a body in the other format is dropped.
    const { isPlainText: _ignored, ...changes } = structuredClone(details);
    if (target.details.isPlainText) delete changes.body;
    else delete changes.plainTextBody;
    const next = { ...target.details, ...changes };
    if (changes.body !== undefined) next.plainTextBody = stripTags(changes.body);
    if (changes.plainTextBody !== undefined) next.body = changes.plainTextBody;
    target.details = next;
  }

  /**
   * The sender's address books, as addressBooks.list and addressBooks.mailingLists read them: each list with its
   * members' vCards. Unknown ids throw, as Thunderbird does.
   */
  const addressBooks: FakeAddressBook[] = [];
  const listById = (id: string) => {
    const found = addressBooks.flatMap((b) => b.lists).find((l) => l.id === id);
    if (!found) throw new Error(`mailingList with id=${id} could not be found.`);
    return found;
  };

  const api: Messenger = {
    addressBooks: {
      list: () => later(() => addressBooks.map(({ id, name }) => ({ id, name }))),
      mailingLists: {
        list: (parentId) =>
          later(() => {
            const book = addressBooks.find((b) => b.id === parentId);
            if (!book) throw new Error(`addressBook with id=${parentId} could not be found.`);
            return book.lists.map(({ members: _members, ...node }) => ({ ...node }));
          }),
        listMembers: (id) => later(() => listById(id).members.map((c) => ({ ...c }))),
      },
    },
    compose: {
      getComposeDetails: (tabId) => later(() => structuredClone(composeTab(tabId).details)),
      setComposeDetails: (tabId, details) => later(() => applyDetails(composeTab(tabId), details)),
      listAttachments: (tabId) =>
        later(() =>
          [...composeTab(tabId).attachments].map(([id, file]): ComposeAttachment => ({
            id,
            name: file.name,
            size: file.size,
          })),
        ),
      getAttachmentFile: (id) =>
        later(() => {
          for (const tab of composeTabs.values()) {
            const file = tab.attachments.get(id);
            if (file) return file;
          }
          throw new Error(`Invalid attachment: ${id}`);
        }),
      addAttachment: (tabId, { file, name }) =>
        later(() => {
          const id = nextAttachment++;
          const named = name && name !== file.name ? new File([file], name, { type: file.type }) : file;
          composeTab(tabId).attachments.set(id, named);
          return { id, name: named.name, size: named.size };
        }),
      removeAttachment: (tabId, id) =>
        later(() => {
          if (!composeTab(tabId).attachments.delete(id)) throw new Error(`Invalid attachment: ${id}`);
        }),
      beginNew: (_messageId, details = {}) => later(() => beginNew(details)),
      sendMessage: async (tabId) => {
        const target = composeTab(tabId);
        const outcome = await send(tabId);
        if (outcome.kind === 'hung') return new Promise<never>(() => undefined);
        if (outcome.kind === 'cancelled')
          throw new Error('compose.sendMessage failed: Send aborted by an onBeforeSend event');
        sent.push({ details: outcome.details, attachments: [...target.attachments.values()] });
        composeTabs.delete(tabId);
        return { mode: 'sendNow' as const, headerMessageId: `${tabId}.sent@example.gov` };
      },
      onBeforeSend,
      onComposeStateChanged,
    },
    composeAction: {
      setBadgeText: ({ text, tabId }) => later(() => void badges.set(tabId, text)),
      openPopup: ({ windowId } = {}) => later(() => (popupsOpened.push(windowId), true)),
    },
    messageDisplay: {
      getDisplayedMessage: (tabId) =>
        later(() => {
          anyTab(tabId);
          const shown = mailTabs.get(tabId)?.message;
          return shown ? { ...shown } : null;
        }),
    },
    messages: {
      getRaw: (messageId, { data_format }) =>
        later(() => {
          const raw = rawMessages.get(messageId);
          if (raw === undefined) throw new Error(`Message not found: ${messageId}.`);
          if (data_format !== 'File') throw new Error('this fake hands out Files only');
          return new File([raw], 'message.eml', { type: 'message/rfc822' });
        }),
      query: ({ headerMessageId }) =>
        later(() => ({
          messages: [...rawMessages]
            .filter(([, raw]) => parseMime(raw).headers.get('message-id') === `<${headerMessageId}>`)
            .map(([id]) => ({ id, headerMessageId })),
        })),
      getFull: (messageId, options) =>
        later(() => {
          const raw = rawMessages.get(messageId);
          if (raw === undefined) throw new Error(`Message not found: ${messageId}.`);
          return fullMessage(raw, options?.decrypt ?? true);
        }),
      import: (file, folderId) =>
        later(() => {
          if (!folders.some((f) => f.id === folderId)) throw new Error(`Folder not found: ${folderId}`);
          imported.push({ folderId, file });
          return { id: nextMessage++ };
        }),
    },
    identities: {
      get: (identityId) =>
        later(() => {
          const found = identities.find((i) => i.id === identityId);
          return found ? { id: found.id, accountId: found.accountId, email: found.email } : null;
        }),
    },
    folders: {
      query: ({ accountId, specialUse }) =>
        later(() =>
          folders
            .filter((f) => accountId === undefined || f.accountId === accountId)
            .filter((f) => (specialUse ?? []).every((use) => f.specialUse.includes(use)))
            .map(({ id, name }) => ({ id, name })),
        ),
    },
    windows: {
      openDefaultBrowser: (url) => later(() => void browsed.push(url)),
      create: (createData) =>
        later(() => {
          windowsCreated.push(structuredClone(createData));
          return { id: nextWindow++ };
        }),
    },
    tabs: {
      query: () =>
        later(() =>
          allTabs()
            .filter((tab) => tab.active)
            .map((tab) => ({ ...tab })),
        ),
      get: (tabId) => later(() => ({ ...anyTab(tabId) })),
    },
    storage: { local: storage },
    notifications: {
      create: (id, options) =>
        later(() => {
          const at = notifications.findIndex((n) => n.id === id);
          const entry = { id, title: options.title, message: options.message };
          if (at >= 0) notifications.splice(at, 1, entry);
          else notifications.push(entry);
          return id;
        }),
      onClicked: onNotificationClicked,
    },
    permissions: {
      request: ({ origins }) => later(() => (origins.forEach((o) => granted.add(o)), true)),
      contains: ({ origins }) => later(() => origins.every((o) => granted.has(o))),
    },
    runtime: {
      openOptionsPage: () => later(() => undefined),
      getURL: (path) => `moz-extension://fake-uuid/${path}`,
    },
  };

  function activate(): number {
    for (const tab of allTabs()) tab.active = false;
    return nextTab++;
  }

  /** Shows a received message in a new, active mail tab; `raw` null opens a tab with no message shown. */
  function displayMessage(raw: string | null, subject = ''): { tab: Tab; messageId?: number } {
    const id = activate();
    const tab: Tab = { id, windowId: 100 + id, type: 'mail', active: true };
    if (raw === null) {
      mailTabs.set(id, { tab, message: null });
      return { tab: { ...tab } };
    }
    const messageId = nextMessage++;
    rawMessages.set(messageId, raw);
    mailTabs.set(id, { tab, message: { id: messageId, subject } });
    return { tab: { ...tab }, messageId };
  }

  function openCompose(details: ComposeDetails): Tab {
    const id = activate();
    const tab: Tab = { id, windowId: 100 + id, type: 'messageCompose', active: true };
    const html = details.body ?? '';
    composeTabs.set(id, {
      tab,
      details: {
        from: 'Sam Sender <sam@example.gov>',
        customHeaders: [],
        body: html,
        plainTextBody: stripTags(html),
        isPlainText: false,
        priority: 'normal',
        replyTo: [],
        ...structuredClone(details),
      },
      attachments: new Map(),
    });
    return { ...tab };
  }

  function beginNew({ attachments = [], ...details }: ComposeDetails): Tab {
    const identity = identities.find((i) => i.id === (details.identityId ?? identities[0]!.id));
    if (!identity) throw new Error(`Identity not found: ${details.identityId}`);
    const tab = openCompose({
      ...details,
      identityId: identity.id,
      from: `${identity.name} <${identity.email}>`,
    });
    const target = composeTab(tab.id!);
    for (const { file, name } of attachments) {
      target.attachments.set(nextAttachment++, new File([file], name ?? file.name, { type: file.type }));
    }
    return tab;
  }

  /** The user clicks Send: the listeners decide, as in Thunderbird's beforeSendEventTracker. */
  async function send(tabId: number, hangAfterMs = 8000): Promise<SendOutcome> {
    const target = composeTab(tabId);
    const run = (async (): Promise<SendOutcome> => {
      for (const listener of onBeforeSend.listeners) {
        const result = await listener({ ...target.tab }, structuredClone(target.details));
        if (!result) continue;
        if (result.cancel) return { kind: 'cancelled' };
        if (result.details) applyDetails(target, result.details);
      }
      return { kind: 'sent', details: structuredClone(target.details) };
    })();
    // A throwing listener (or a thrown setComposeDetails) leaves Thunderbird's send promise unsettled.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'hung' }), hangAfterMs);
    });
    try {
      return await Promise.race([run.catch(() => ({ kind: 'hung' }) as const), hung]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    api,
    addressBooks,
    storage,
    notifications,
    badges,
    granted,
    popupsOpened,
    imported,
    sent,
    browsed,
    windowsCreated,
    composeTabs,
    mailTabs,
    openCompose,
    displayMessage,
    send,
    events: { onBeforeSend, onComposeStateChanged, onNotificationClicked },
  };
}

export type FakeMessenger = ReturnType<typeof fakeMessenger>;

export interface FakeAddressBook {
  id: string;
  name: string;
  lists: Array<MailingListNode & { members: ContactNode[] }>;
}
