/**
 * Where a host reads who is on a list recipient: Outlook asks Microsoft Graph (src/outlook/graph), Thunderbird
 * its own address books. One lookup answers one list's direct members; the expander (expand.ts) follows nested
 * lists itself, so that depth, count and cycles are bounded the same way on every host.
 */
import { SendguardError } from '../../core/errors';
import type { HostRecipient } from '../host';

/**
 * Why a list's members could not be read. `LIST_REFUSED`: the directory said no (Graph's 401/403, an address-book
 * permission missing); `LIST_NOT_FOUND`: no list has that address; `LIST_TIMEOUT`: no answer in time;
 * `LIST_UNREADABLE`: an answer that does not say where each member's mail goes; `LIST_UNAVAILABLE`: nothing to
 * ask here (no sign-in to the directory in this Outlook).
 */
export type ListLookupCode =
  'LIST_REFUSED' | 'LIST_NOT_FOUND' | 'LIST_TIMEOUT' | 'LIST_UNREADABLE' | 'LIST_UNAVAILABLE';

/** `message` completes "the members of <list> could not be read: …", in words the sender can act on. */
export class ListLookupError extends SendguardError {
  constructor(
    override readonly code: ListLookupCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export interface ListDirectory {
  /**
   * The list's direct members, each with the address its mail goes to; a member that is itself a list is marked
   * `kind: 'list'`. Throws ListLookupError when it cannot tell.
   */
  members(list: HostRecipient): Promise<HostRecipient[]>;
}
