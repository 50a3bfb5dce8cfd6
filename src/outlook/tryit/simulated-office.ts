/**
 * A stand-in for the parts of Office.js the pane and the send handler use, over an in-memory compose item: the
 * try-it page runs the real bundles against it, and the unit tests wrap it in office-addin-mock. Callbacks get
 * `AsyncResult`s shaped like Office's, asynchronously, as Outlook delivers them.
 */
import { escapeMarkup, textOfHtml } from '../../core/markup';
import type { RecipientField } from '../../core/recipient-fields';
import { simulatedDialogUi } from './simulated-dialog';

export interface SimAttachment {
  id: string;
  name: string;
  contentType: string;
  /** Base64, as Office.js hands attachment content over. */
  base64: string;
  size: number;
  isInline: boolean;
  /**
   * An inline image's content id, as Exchange keeps it and the body shows it (`cid:<contentId>`): Office tells an
   * add-in from Mailbox 1.16 only, so the details this Outlook gives leave it out.
   */
  contentId?: string;
  /**
   * `item`: an attached message or event, whose content Office gives as text in `item.format`; `cloud`: a link to a
   * file in OneDrive or SharePoint, whose content Office gives as its URL, `url`.
   */
  attachmentType?: 'file' | 'item' | 'cloud';
  item?: { format: 'eml' | 'iCalendar'; content: string };
  url?: string;
}

/** What `displayNewMessageFormAsync` is given (Office's `MessageForm`, as the add-in fills it in). */
export interface SimForm {
  toRecipients?: string[];
  ccRecipients?: string[];
  bccRecipients?: string[];
  subject?: string;
  htmlBody?: string;
}

export interface SimRecipient {
  emailAddress: string;
  displayName: string;
  /** Outlook's `recipientType` (`distributionList`, `user`, `externalUser`, `other`), where the test sets one. */
  recipientType?: string;
}

export interface SimNotice {
  type: string;
  message: string;
}

export interface SimState {
  to: SimRecipient[];
  cc: SimRecipient[];
  bcc: SimRecipient[];
  subject: string;
  html: string;
  text: string;
  /** The body's type: what the add-in last wrote it as (Outlook's compose window starts in HTML). */
  bodyType: 'html' | 'text';
  attachments: SimAttachment[];
  headers: Record<string, string>;
  notices: Record<string, SimNotice>;
  saved: number;
  /** What `displayNewMessageFormAsync` was asked to open. */
  opened: SimForm[];
  /** The add-in's roaming settings as last saved (Exchange keeps them in the mailbox). */
  roaming: Record<string, unknown>;
  /** What `openBrowserWindow` was asked to open. */
  browsed: string[];
  /** The From the sender picked (a shared mailbox, send-as, an alias); the mailbox owner when unset. */
  from?: SimRecipient;
  /** The item's session data (Mailbox 1.11): the add-in's own values, kept while the item is open. */
  session: Record<string, string>;
  /** What the item was opened as (`getComposeTypeAsync`, Mailbox 1.10); new mail when unset. */
  composeType?: 'newMail' | 'reply' | 'forward';
  /** The item's conversation: a reply's or forward's, or the message read; none for new mail. */
  conversationId?: string;
}

type Callback<T> = (result: { status: string; value: T; error?: { code: number; message: string } }) => void;

function later<T>(callback: Callback<T> | undefined, value: T): void {
  if (callback) setTimeout(() => callback({ status: 'succeeded', value }), 0);
}

function failLater(callback: Callback<unknown> | undefined, message: string): void {
  if (callback)
    setTimeout(() => callback({ status: 'failed', value: undefined, error: { code: 9000, message } }), 0);
}

export function textToHtml(text: string): string {
  return `<div style="white-space: pre-wrap">${escapeMarkup(text)}</div>`;
}

export function emptyState(): SimState {
  return {
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    html: '',
    text: '',
    bodyType: 'html',
    attachments: [],
    headers: {},
    notices: {},
    saved: 0,
    opened: [],
    roaming: {},
    browsed: [],
    session: {},
  };
}

export interface SimulatedOffice {
  office: Record<string, unknown>;
  state: SimState;
  /** Handlers the launch-event bundle associated, by function name. */
  actions: Map<string, (event: unknown) => unknown>;
  /** Tells the pane (and the recipients-changed launch event) that recipients changed. */
  recipientsChanged(): void;
  setTheme(theme: 'light' | 'dark'): void;
}

export interface SimOptions {
  state?: SimState;
  sender?: string;
  theme?: 'light' | 'dark';
  canOpenMessages?: boolean;
  /** A received message's raw header block: the item is then a read item, as Outlook gives a read pane. */
  received?: string;
  /** Whether this Outlook supports nested app authentication (requirement set NestedAppAuth 1.1). */
  nestedAppAuth?: boolean;
  /** `Office.auth`, where this Outlook offers single sign-on (simulated-sso.ts). */
  auth?: unknown;
  /** `Office.context.diagnostics.platform`: `OfficeOnline` (web, new Outlook) unless given. */
  platform?: string;
  /** Opens the new compose form `displayNewMessageFormAsync` was asked for (the try-it page: a new page). */
  openForm?: (form: SimForm) => void;
}

/** A requirement set's minor version: `1.10` is ten, after `1.9`. */
const minor = (version: string) => Number(version.split('.')[1] ?? 0);

/**
 * The requirement sets this simulated Outlook supports, as `isSetSupported` answers. Mailbox up to 1.15: attachment
 * details carry no content id (1.16), so inline images are found by what the body shows.
 */
function supports(options: SimOptions, name: string, version: string): boolean {
  if (name === 'Mailbox') return minor(version) <= ((options.canOpenMessages ?? true) ? 15 : 8);
  if (name === 'NestedAppAuth') return (options.nestedAppAuth ?? false) && minor(version) <= 1;
  // The dialog API, naming each message's origin.
  if (name === 'DialogApi' || name === 'DialogOrigin') return minor(version) <= 1;
  if (name === 'OpenBrowserWindowApi') return minor(version) <= 1;
  return false;
}

/** One recipient field: a copy out, the display name filled in on the way in, as Outlook does. */
function recipientField(state: SimState, field: RecipientField) {
  return {
    getAsync: (callback: Callback<SimRecipient[]>) =>
      later(
        callback,
        state[field].map((r) => ({ ...r })),
      ),
    setAsync: (list: SimRecipient[], callback?: Callback<void>) => {
      state[field] = list.map((r) => ({
        emailAddress: r.emailAddress,
        displayName: r.displayName ?? r.emailAddress,
      }));
      later(callback, undefined);
    },
  };
}

/** Subject and body; the body is kept as HTML and as text, each written from the other. */
function contentParts(state: SimState) {
  return {
    subject: {
      getAsync: (callback: Callback<string>) => later(callback, state.subject),
      setAsync: (subject: string, callback?: Callback<void>) => {
        state.subject = subject;
        later(callback, undefined);
      },
    },
    body: {
      getAsync: (coercion: string, callback: Callback<string>) =>
        later(callback, coercion === 'html' ? state.html : state.text),
      setAsync: (content: string, opts: { coercionType?: string }, callback?: Callback<void>) => {
        if (opts.coercionType === 'html') {
          state.html = content;
          state.text = textOfHtml(content);
        } else {
          state.text = content;
          state.html = textToHtml(content);
        }
        state.bodyType = opts.coercionType === 'html' ? 'html' : 'text';
        later(callback, undefined);
      },
    },
  };
}

function attachmentParts(state: SimState) {
  let nextId = 1;
  return {
    getAttachmentsAsync: (
      callback: Callback<Omit<SimAttachment, 'base64' | 'item' | 'url' | 'contentId'>[]>,
    ) =>
      later(
        callback,
        state.attachments.map(({ base64: _content, item: _item, url: _url, contentId: _id, ...details }) => ({
          ...details,
          attachmentType: details.attachmentType ?? 'file',
        })),
      ),
    getAttachmentContentAsync: (id: string, callback: Callback<{ format: string; content: string }>) => {
      const found = state.attachments.find((a) => a.id === id);
      if (!found) failLater(callback as Callback<unknown>, `no attachment ${id}`);
      else if (found.attachmentType === 'cloud') later(callback, { format: 'url', content: found.url ?? '' });
      else later(callback, found.item ?? { format: 'base64', content: found.base64 });
    },
    addFileAttachmentFromBase64Async: (
      base64: string,
      name: string,
      opts: { isInline?: boolean },
      callback?: Callback<string>,
    ) => {
      const id = `att-${nextId++}`;
      const size = Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
      state.attachments.push({
        id,
        name,
        contentType: 'application/octet-stream',
        base64,
        size,
        isInline: !!opts.isInline,
        // Outlook shows a picture an add-in added by its name: `cid:<name>`.
        ...(opts.isInline ? { contentId: name } : {}),
      });
      later(callback, id);
    },
    removeAttachmentAsync: (id: string, callback?: Callback<void>) => {
      state.attachments = state.attachments.filter((a) => a.id !== id);
      later(callback, undefined);
    },
  };
}

/** Headers matched by name without regard to case, as in RFC 5322 §1.2.2. */
function headerParts(state: SimState) {
  return {
    getAsync: (names: string[], callback: Callback<Record<string, string>>) =>
      later(
        callback,
        Object.fromEntries(
          Object.entries(state.headers).filter(([name]) =>
            names.some((n) => n.toLowerCase() === name.toLowerCase()),
          ),
        ),
      ),
    setAsync: (headers: Record<string, string>, callback?: Callback<void>) => {
      Object.assign(state.headers, headers);
      later(callback, undefined);
    },
  };
}

/** The item's session data as Outlook answers: a key never set reads as an empty string. */
function sessionData(state: SimState) {
  return {
    getAsync: (name: string, callback: Callback<string>) => later(callback, state.session[name] ?? ''),
    setAsync: (name: string, value: string, callback?: Callback<void>) => {
      state.session[name] = value;
      later(callback, undefined);
    },
    removeAsync: (name: string, callback?: Callback<void>) => {
      delete state.session[name];
      later(callback, undefined);
    },
  };
}

/** The compose item: its fields, attachments and headers, saving, the info bar, and the change handlers. */
function composeItem(state: SimState, handlers: Set<() => void>, owner: SimRecipient) {
  return {
    itemType: 'message',
    get conversationId() {
      return state.conversationId;
    },
    getComposeTypeAsync: (callback: Callback<{ composeType: string; coercionType: string }>) =>
      later(callback, { composeType: state.composeType ?? 'newMail', coercionType: state.bodyType }),
    from: { getAsync: (callback?: Callback<SimRecipient>) => later(callback, state.from ?? owner) },
    to: recipientField(state, 'to'),
    cc: recipientField(state, 'cc'),
    bcc: recipientField(state, 'bcc'),
    ...contentParts(state),
    ...attachmentParts(state),
    internetHeaders: headerParts(state),
    sessionData: sessionData(state),
    saveAsync: (callback?: Callback<string>) => {
      state.saved += 1;
      later(callback, 'draft-1');
    },
    notificationMessages: {
      replaceAsync: (id: string, notice: SimNotice, callback?: Callback<void>) => {
        state.notices[id] = { type: notice.type, message: notice.message };
        later(callback, undefined);
      },
    },
    addHandlerAsync: (_type: string, handler: () => void, callback?: Callback<void>) => {
      handlers.add(handler);
      later(callback, undefined);
    },
    removeHandlerAsync: (_type: string, callback?: Callback<void>) => {
      handlers.clear();
      later(callback, undefined);
    },
  };
}

/** A read item answers what a read item does here; Mailbox 1.8 added the raw header block. */
function readItem(received: string, state: SimState) {
  return {
    itemType: 'message',
    get conversationId() {
      return state.conversationId;
    },
    getAllInternetHeadersAsync: (callback: Callback<string>) => later(callback, received),
    body: {
      getAsync: (coercion: string, callback: Callback<string>) =>
        later(callback, coercion === 'html' ? state.html : state.text),
    },
  };
}

/** The enumerations of Office.js the bundles read, with Office's values. */
const OFFICE_ENUMS = {
  CoercionType: { Html: 'html', Text: 'text' },
  EventType: { RecipientsChanged: 'olkRecipientsChanged' },
  AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
  MailboxEnums: {
    AttachmentContentFormat: { Base64: 'base64', Url: 'url', Eml: 'eml', ICalendar: 'iCalendar' },
    ItemNotificationMessageType: {
      InformationalMessage: 'informationalMessage',
      ErrorMessage: 'errorMessage',
    },
    SendModeOverride: { PromptUser: 'promptUser' },
  },
};

/** Outlook's limit on an add-in's roaming settings, all of them together, as saved. */
export const ROAMING_LIMIT = 32 * 1024;

/** Roaming settings as Office keeps them: set in memory, saved whole, refused over Outlook's limit. */
function roamingSettings(state: SimState) {
  const pending = { ...state.roaming };
  return {
    get: (name: string) => pending[name],
    set: (name: string, value: unknown) => void (pending[name] = structuredClone(value)),
    remove: (name: string) => void delete pending[name],
    saveAsync: (callback?: Callback<void>) => {
      if (JSON.stringify(pending).length > ROAMING_LIMIT)
        return failLater(callback as Callback<unknown>, 'The roaming settings exceed 32 KB.');
      state.roaming = structuredClone(pending);
      later(callback, undefined);
    },
  };
}

/** Recorded, and on the try-it page opened in a new tab: a sender link there opens the real portal. */
function openBrowserWindow(state: SimState, url: string): void {
  state.browsed.push(url);
  if (typeof window !== 'undefined') window.open(url, '_blank', 'noopener');
}

/** Outlook refuses a form's HTML body over 32 KB (Office's `MessageForm.htmlBody`). */
const FORM_HTML_LIMIT = 32 * 1024;

/** Recorded, and opened where the page opens forms; refused, as Outlook throws, when the body is too long. */
function displayNewMessageFormAsync(options: SimOptions, state: SimState) {
  return (form: SimForm, ...rest: unknown[]) => {
    if (new TextEncoder().encode(form.htmlBody ?? '').length > FORM_HTML_LIMIT)
      throw new Error('The htmlBody parameter exceeds 32 KB.');
    const callback = rest.find((arg) => typeof arg === 'function') as Callback<void> | undefined;
    try {
      options.openForm?.(form);
    } catch (error) {
      return failLater(callback as Callback<unknown>, error instanceof Error ? error.message : String(error));
    }
    state.opened.push(form);
    later(callback, undefined);
  };
}

/** The mailbox owner, `Office.context.mailbox.userProfile`. */
function ownerOf(options: SimOptions): SimRecipient {
  return { emailAddress: options.sender ?? 'sender@example.gov', displayName: 'Sender' };
}

/** `Office.context`: the theme, the requirement sets, the dialog API, and the mailbox with its one item. */
function officeContext(options: SimOptions, state: SimState, item: unknown, theme: () => 'light' | 'dark') {
  return {
    diagnostics: { hostName: 'Outlook', hostVersion: '16.0', platform: options.platform ?? 'OfficeOnline' },
    ui: { ...simulatedDialogUi(), openBrowserWindow: (url: string) => openBrowserWindow(state, url) },
    roamingSettings: roamingSettings(state),
    get officeTheme() {
      return theme() === 'dark'
        ? { bodyBackgroundColor: '#292929', bodyForegroundColor: '#ffffff' }
        : { bodyBackgroundColor: '#ffffff', bodyForegroundColor: '#000000' };
    },
    requirements: {
      isSetSupported: (name: string, version: string) => supports(options, name, version),
    },
    mailbox: {
      item,
      userProfile: ownerOf(options),
      displayNewMessageFormAsync: displayNewMessageFormAsync(options, state),
    },
  };
}

export function simulateOffice(options: SimOptions = {}): SimulatedOffice {
  const state = options.state ?? emptyState();
  const actions = new Map<string, (event: unknown) => unknown>();
  const handlers = new Set<() => void>();
  let theme = options.theme ?? 'light';
  const item =
    options.received === undefined
      ? composeItem(state, handlers, ownerOf(options))
      : readItem(options.received, state);

  const office = {
    onReady: (callback?: () => void) => {
      callback?.();
      return Promise.resolve({ host: 'Outlook', platform: 'OfficeOnline' });
    },
    actions: {
      associate: (name: string, handler: (event: unknown) => unknown) => actions.set(name, handler),
    },
    ...OFFICE_ENUMS,
    context: officeContext(options, state, item, () => theme),
    ...(options.auth ? { auth: options.auth } : {}),
  };

  return {
    office,
    state,
    actions,
    recipientsChanged: () => {
      for (const handler of handlers) handler();
      const changed = actions.get('onMessageRecipientsChangedHandler');
      if (changed) void changed({ completed: () => undefined });
    },
    setTheme: (next) => {
      theme = next;
    },
  };
}
