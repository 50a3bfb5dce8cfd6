/**
 * The sender's links, kept in one setting of the host's (Outlook's roaming settings, Thunderbird's local storage)
 * as `{ <message id>: [<sender link>, <expiry, epoch seconds>, <1 when the sender's mailbox has a copy, else 0>] }`.
 * Each write drops the links of expired messages, then, while the setting is over its budget (Outlook's roaming
 * settings hold 32 KB for the whole add-in), those whose copy is in the sender's mailbox, soonest to expire first:
 * the copy still has them. A link without a copy is never dropped to make room: the write fails instead, saying so.
 */
import { systemClock, type Clock } from '../../core/clock';
import { SendguardError } from '../../core/errors';
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

/** The setting has no room for a link without a copy: dropping one would lose it. */
export class LinkStoreFullError extends SendguardError {
  constructor(withoutCopy: number) {
    super(
      'LINKS_FULL',
      `there is no room left to keep your links: ${withoutCopy} of them have no copy in your mailbox yet, ` +
        'so none was dropped. Use “Mail me my copy” under “Sent securely” for them, then try again',
    );
  }
}

/**
 * The book without expired links and within `budget` characters, dropping links that have a copy, soonest to
 * expire first; throws LinkStoreFullError when only links without a copy are left and it is still over.
 */
export function pruned(book: Book, nowSeconds: number, budget: number): Book {
  const live = Object.entries(book).filter(([, [, expires]]) => expires > nowSeconds);
  // Those with a copy at the end, latest to expire first, so that pop() drops the soonest with a copy.
  const droppable = live.filter(([, [, , copied]]) => copied === 1).sort(([, [, a]], [, [, b]]) => b - a);
  const kept = Object.fromEntries(live.filter(([, [, , copied]]) => copied === 0));
  const withoutCopy = Object.keys(kept).length;
  for (const [id, entry] of droppable) kept[id] = entry;
  let size = JSON.stringify(kept).length;
  while (size > budget && droppable.length > 0) {
    const [id] = droppable.pop()!;
    delete kept[id];
    size = JSON.stringify(kept).length;
  }
  if (size > budget) throw new LinkStoreFullError(withoutCopy);
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
