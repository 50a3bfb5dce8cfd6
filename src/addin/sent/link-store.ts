/**
 * The sender's links, kept in one setting of the host's (Outlook's roaming settings, Thunderbird's local storage)
 * as `{ <message id>: [<sender link>, <expiry, epoch seconds>, <1 when the sender's mailbox has a copy, else 0>] }`. Each write drops the links of expired messages,
 * then, while the setting is over its budget, those that expire soonest: Outlook's roaming settings hold 32 KB
 * for the whole add-in. A dropped link is not lost to the sender: their copy of the notice has it.
 */
import { systemClock, type Clock } from '../../core/clock';
import type { SenderLink, SenderLinkStore } from '../host';

/** One stored value of the host's: read as saved (or undefined), written whole. */
export interface SettingSlot {
  read(): Promise<unknown>;
  write(value: unknown): Promise<void>;
}

type Book = Record<string, [url: string, expires: number, ownCopy: 0 | 1]>;

export interface LinkStoreOptions {
  /** The most characters the setting's JSON may take. */
  budget: number;
  clock?: Clock;
}

/** The stored entries that have the stored shape; anything else (another version, a damaged setting) is skipped. */
function readBook(value: unknown): Book {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const book: Book = {};
  for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number')
      book[id] = [entry[0], entry[1], entry[2] === 1 ? 1 : 0];
  }
  return book;
}

/** The book without expired links and within `budget` characters, dropping the soonest to expire first. */
export function pruned(book: Book, nowSeconds: number, budget: number): Book {
  const live = Object.entries(book)
    .filter(([, [, expires]]) => expires > nowSeconds)
    .sort(([, [, a]], [, [, b]]) => b - a);
  let kept = Object.fromEntries(live);
  while (live.length > 0 && JSON.stringify(kept).length > budget) {
    live.pop();
    kept = Object.fromEntries(live);
  }
  return kept;
}

export function senderLinkStore(slot: SettingSlot, options: LinkStoreOptions): SenderLinkStore {
  const clock = options.clock ?? systemClock;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const update = async (change: (book: Book) => void) => {
    const book = readBook(await slot.read());
    change(book);
    await slot.write(pruned(book, nowSeconds(), options.budget));
  };
  return {
    keep: (link) =>
      update((book) => {
        book[link.id] = [link.url, Math.floor(Date.parse(link.expiresAt) / 1000), link.ownCopy ? 1 : 0];
      }),
    async list() {
      const now = nowSeconds();
      return Object.entries(readBook(await slot.read()))
        .filter(([, [, expires]]) => expires > now)
        .map(([id, [url, expires, copied]]): SenderLink => ({
          id,
          url,
          expiresAt: new Date(expires * 1000).toISOString(),
          ownCopy: copied === 1,
        }));
    },
    forget: (ids) =>
      update((book) => {
        for (const id of ids) delete book[id];
      }),
  };
}
