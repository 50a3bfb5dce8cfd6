/// <reference types="office-js" />
/**
 * `MailHost` over Office.js for a compose item: the only files of the pane that talk to Outlook are this one and
 * the parts it composes (recipients, attachments, new messages, sensitivity label). The Office namespace is passed in (the real
 * global in Outlook, the simulated one on the try-it page, a mock in tests).
 */
import type { HostNotice, HostTheme, MailHost } from '../addin/host';
import type { ListDirectory } from '../addin/lists/directory';
import { officeAsync } from './office-async';
import { officeAttachments } from './office-attachments';
import { sensitivityLabelName } from './office-label';
import { officeNewMessages, type NewMessageOptions } from './office-new-messages';
import { officeRecipients } from './office-recipients';
import { officeSenderLinks } from './office-sender-links';
import { officeThreadOrigin } from './office-thread';
import { runtimeThreadStore, type ThreadStore } from './thread-store';

/** The manifest's 16-pixel icon resource, which informational notices must name. */
const NOTICE_ICON = 'Icon.16x16';

type ComposeItem = Office.MessageCompose;

/**
 * Dark when the host's body background is dark (relative luminance under one half); where the host gives no theme
 * (some Outlook clients have no `officeTheme`), the system's colour scheme.
 */
export function themeOf(office: typeof Office): HostTheme {
  const hex = office.context.officeTheme?.bodyBackgroundColor?.replace('#', '');
  if (!hex || !/^[0-9a-f]{6}$/i.test(hex))
    return globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b! < 0.5 ? 'dark' : 'light';
}

function officeText(
  office: typeof Office,
  item: ComposeItem,
): Pick<MailHost, 'getSubject' | 'setSubject' | 'getBody' | 'setBody'> {
  const coercion = (format: 'html' | 'text') =>
    format === 'html' ? office.CoercionType.Html : office.CoercionType.Text;
  return {
    getSubject: () => officeAsync<string>('reading the subject', (cb) => item.subject.getAsync(cb)),
    setSubject: (subject) =>
      officeAsync<void>('changing the subject', (cb) => item.subject.setAsync(subject, cb)),
    getBody: (format) =>
      officeAsync<string>('reading the body', (cb) => item.body.getAsync(coercion(format), cb)),
    setBody: ({ format, content }) =>
      officeAsync<void>('replacing the body', (cb) =>
        item.body.setAsync(content, { coercionType: coercion(format) }, cb),
      ),
  };
}

function officeHeaders(item: ComposeItem): Pick<MailHost, 'getHeader' | 'setHeaders' | 'save'> {
  return {
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
  };
}

/** An error replaces the info bar's summary; an informational notice needs the manifest's icon. */
function officeNotify(office: typeof Office, item: ComposeItem): MailHost['notify'] {
  const types = office.MailboxEnums.ItemNotificationMessageType;
  return (notice: HostNotice) =>
    officeAsync<void>('showing a notice', (cb) =>
      item.notificationMessages.replaceAsync(
        notice.id,
        notice.kind === 'error'
          ? { type: types.ErrorMessage, message: notice.text }
          : { type: types.InformationalMessage, message: notice.text, icon: NOTICE_ICON, persistent: false },
        cb,
      ),
    );
}

/**
 * The message's From while composing (`item.from`, Mailbox 1.7): with send-as, a shared mailbox or an alias domain
 * it is not the mailbox owner, and replies go to it. The owner where this Outlook cannot say (an older Outlook, or
 * the read failing), which is the From of most messages.
 */
async function senderAddress(office: typeof Office, item: ComposeItem): Promise<string | undefined> {
  const owner = office.context.mailbox.userProfile?.emailAddress || undefined;
  const from = item.from as Office.From | undefined;
  if (typeof from?.getAsync !== 'function') return owner;
  try {
    const details = await officeAsync<Office.EmailAddressDetails>('reading the sender', (cb) =>
      from.getAsync(cb),
    );
    return details?.emailAddress || owner;
  } catch {
    return owner;
  }
}

export interface OfficeHostOptions extends NewMessageOptions {
  /** Where list recipients' members are read (Microsoft Graph); without it every list has unknown membership. */
  lists?: ListDirectory;
}

/**
 * `options`: how new messages for a split are handed their attachments (a test's desk and deadline), and lists;
 * `threads`: what the read pane kept of conversations (this runtime's store by default).
 */
export function createOfficeHost(
  office: typeof Office,
  options: OfficeHostOptions = {},
  threads: ThreadStore | undefined = runtimeThreadStore(),
): MailHost {
  const item = office.context.mailbox.item as ComposeItem;
  const text = officeText(office, item);
  const headers = officeHeaders(item);
  return {
    ...officeRecipients(item),
    ...text,
    ...officeAttachments(office, item),
    ...headers,
    ...officeNewMessages(office, options),
    ...officeSenderLinks(office),
    ...(options.lists ? { lists: options.lists } : {}),
    ...officeThreadOrigin(item, threads, { ...text, ...headers }),
    getSensitivityLabel: () => sensitivityLabelName(office, item),
    getSenderAddress: () => senderAddress(office, item),
    notify: officeNotify(office, item),
    theme: () => themeOf(office),
    onRecipientsChanged(listener) {
      item.addHandlerAsync(office.EventType.RecipientsChanged, listener);
      return () => item.removeHandlerAsync(office.EventType.RecipientsChanged);
    },
  };
}
