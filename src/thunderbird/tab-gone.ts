/**
 * A compose tab the pane worked on can close under it: the sender sent or closed the message (a split's new
 * message, say, before send-all reached it). Thunderbird then answers every call on the tab with a generic
 * "Invalid tab ID" (or, for an attachment of it, "Invalid attachment"); the shared code needs to know the message
 * is gone rather than failing, to say so.
 */
import { MessageGoneError } from '../addin/message-gone';
import type { ComposeAttachment, ComposeDetails, Messenger } from './messenger';

/** The `messenger.compose` calls on one compose tab, each a MessageGoneError once the tab is closed. */
export interface ComposeTab {
  details(): Promise<ComposeDetails>;
  change(changes: ComposeDetails): Promise<void>;
  listAttachments(): Promise<ComposeAttachment[]>;
  /** An attachment of this tab, as Thunderbird will send it. */
  attachmentFile(attachmentId: number): Promise<File>;
  addAttachment(attachment: { file: File; name?: string }): Promise<ComposeAttachment>;
  removeAttachment(attachmentId: number): Promise<void>;
  /** Sends now, as the Send button would: the onBeforeSend listeners decide first. */
  send(): Promise<void>;
}

export function composeTab(api: Messenger, tabId: number): ComposeTab {
  const inTab = <T>(call: () => Promise<T>) => inOpenTab(api, tabId, call);
  return {
    details: () => inTab(() => api.compose.getComposeDetails(tabId)),
    change: (changes) => inTab(() => api.compose.setComposeDetails(tabId, changes)),
    listAttachments: () => inTab(() => api.compose.listAttachments(tabId)),
    attachmentFile: (attachmentId) => inTab(() => api.compose.getAttachmentFile(attachmentId)),
    addAttachment: (attachment) => inTab(() => api.compose.addAttachment(tabId, attachment)),
    removeAttachment: (attachmentId) => inTab(() => api.compose.removeAttachment(tabId, attachmentId)),
    send: async () => void (await inTab(() => api.compose.sendMessage(tabId, { mode: 'sendNow' }))),
  };
}

/** Runs `call` on compose tab `tabId`; when it fails and the tab no longer exists, throws MessageGoneError. */
async function inOpenTab<T>(api: Messenger, tabId: number, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const open = await api.tabs.get(tabId).then(
      () => true,
      () => false,
    );
    if (open) throw error;
    throw new MessageGoneError('Its window is no longer open.', { cause: error });
  }
}
