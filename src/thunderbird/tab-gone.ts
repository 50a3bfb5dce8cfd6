/**
 * A compose tab the pane worked on can close under it: the sender sent or closed the message (a split's new
 * message, say, before send-all reached it). Thunderbird then answers every call on the tab with a generic
 * "Invalid tab ID"; the shared code needs to know the message is gone rather than failing, to say so.
 */
import { MessageGoneError } from '../addin/message-gone';
import type { Messenger } from './messenger';

/** Runs `call` on compose tab `tabId`; when it fails and the tab no longer exists, throws MessageGoneError. */
export async function inOpenTab<T>(api: Messenger, tabId: number, call: () => Promise<T>): Promise<T> {
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
