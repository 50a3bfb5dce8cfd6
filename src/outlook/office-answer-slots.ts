/// <reference types="office-js" />
/**
 * Where Outlook keeps prefetched answers beyond the runtime's memory: classic Outlook on Windows starts its
 * JavaScript-only runtime for an event and may end it after, so what the recipient-change check asked must outlive
 * it for the send event to find. First choice, the item's session data (Mailbox 1.11): this add-in's and this
 * item's alone, kept while the item is open, never sent. Where an item has none, the runtime's storage
 * (`OfficeRuntime.storage`, Mailbox 1.10, classic Outlook's event runtime only): shared by the mailbox's items, so
 * a send from another message finds answers for other addresses there, and asks.
 */
import type { TextSlot } from '../addin/prefetch/answer-keepers';
import { officeAsync } from './office-async';

const KEY = 'sendguard-prefetched';

type SessionData = Pick<Office.SessionData, 'getAsync' | 'setAsync' | 'removeAsync'>;

/** `OfficeRuntime.storage` as far as it is used here (its types are not among this build's). */
export interface RuntimeStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

function sessionDataSlot(session: SessionData): TextSlot {
  return {
    read: () => officeAsync<string>('reading the prefetched answers', (cb) => session.getAsync(KEY, cb)),
    write: (text) =>
      officeAsync<void>('keeping the prefetched answers', (cb) => session.setAsync(KEY, text, cb)),
    clear: () => officeAsync<void>('forgetting the prefetched answers', (cb) => session.removeAsync(KEY, cb)),
  };
}

function runtimeStorageSlot(storage: RuntimeStorage): TextSlot {
  return {
    read: async () => (await storage.getItem(KEY)) ?? undefined,
    write: (text) => storage.setItem(KEY, text),
    clear: () => storage.removeItem(KEY),
  };
}

/** The item's session data, else the runtime's storage, else none (the runtime's memory alone). */
export function officeAnswerSlot(
  item: { sessionData?: SessionData } | undefined,
  storage: RuntimeStorage | undefined,
): TextSlot | undefined {
  if (typeof item?.sessionData?.getAsync === 'function') return sessionDataSlot(item.sessionData);
  return typeof storage?.getItem === 'function' ? runtimeStorageSlot(storage) : undefined;
}
