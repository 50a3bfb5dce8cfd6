/**
 * Thunderbird's address-book mailing lists, read locally: which recipients are lists, and who is on them. The
 * composer shows a list as `name <description>` (or `name <name>` without a description) and expands it as it
 * sends, so a list whose description looks like an internal address can hide anyone behind it. A recipient is a
 * list here exactly when Thunderbird would expand it: its name and address are a list's name and description (or
 * name), case aside. A member is the contact's primary email; a member that is itself written as a list is a
 * nested list, which the expander follows (src/addin/lists/expand.ts).
 */
import type { HostRecipient, HostRecipients } from '../addin/host';
import { perField } from '../addin/host';
import { ListLookupError, type ListDirectory } from '../addin/lists/directory';
import type { MailingListNode, Messenger } from './messenger';
import { readContactCard } from './vcard-email';

/** The composer's form of a list, as the key both sides are compared by. */
const entryKey = (name: string, address: string) =>
  `${name.trim().toLowerCase()}\n${address.trim().toLowerCase()}`;

const listKey = (list: MailingListNode) => entryKey(list.name, list.description || list.name);

/**
 * A recipient's key: its display name and address, or — for `name <name>`, which is not an address and which
 * details.ts passes on as typed — the two halves of what was typed.
 */
function recipientKey({ address, displayName }: HostRecipient): string {
  if (displayName !== undefined) return entryKey(displayName, address);
  const open = address.lastIndexOf('<');
  if (open < 0 || !address.endsWith('>')) return entryKey('', address);
  return entryKey(address.slice(0, open).replace(/"/g, ''), address.slice(open + 1, -1));
}

export interface ThunderbirdLists {
  /** `recipients` with those that are mailing lists marked `kind: 'list'`. */
  mark(recipients: HostRecipients): Promise<HostRecipients>;
  directory: ListDirectory;
}

/** The lists as read are used this long: one check reads them once, and a list edited since is read again. */
const FRESH_MS = 10_000;

/** The sender's mailing lists by the composer's form of each. */
async function readLists(api: Messenger): Promise<Map<string, MailingListNode>> {
  const books = await api.addressBooks.list(false);
  const perBook = await Promise.all(books.map((book) => api.addressBooks.mailingLists.list(book.id)));
  return new Map(perBook.flat().map((list) => [listKey(list), list]));
}

/** Over the sender's address books; `now` (epoch ms, Date.now by default) dates what was read. */
export function thunderbirdLists(api: Messenger, now: () => number = Date.now): ThunderbirdLists {
  let read: { at: number; lists: Promise<Map<string, MailingListNode>> } | undefined;
  const lists = () => {
    if (!read || now() - read.at > FRESH_MS) {
      const asked = readLists(api);
      // A failed read is not kept: the next check reads again.
      asked.catch(() => {
        if (read?.lists === asked) read = undefined;
      });
      read = { at: now(), lists: asked };
    }
    return read.lists;
  };
  const asList = (known: Map<string, MailingListNode>, r: HostRecipient): HostRecipient =>
    known.has(recipientKey(r)) ? { ...r, kind: 'list' } : r;

  return {
    async mark(recipients) {
      const known = await lists();
      if (known.size === 0) return recipients;
      return perField((field) => recipients[field].map((r) => asList(known, r)));
    },
    directory: {
      async members(list) {
        const known = await lists();
        const node = known.get(recipientKey(list));
        if (!node) throw new ListLookupError('LIST_NOT_FOUND', 'no address book has this list any more');
        const contacts = await api.addressBooks.mailingLists.listMembers(node.id);
        return contacts.map((contact) => {
          const { displayName, email } = readContactCard(contact.vCard);
          if (!email)
            throw new ListLookupError(
              'LIST_UNREADABLE',
              `${displayName ? `“${displayName}”` : 'one of its contacts'} has no email address`,
            );
          return asList(known, { address: email, ...(displayName ? { displayName } : {}) });
        });
      },
    },
  };
}
