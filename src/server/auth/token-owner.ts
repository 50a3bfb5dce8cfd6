/**
 * The person an API token acts for, as an admin names them when issuing it: `Ana Example <ana@example.org>` or a
 * bare address. Read with the same parser as recipients, so an owner is a mailbox by the same rules.
 */
import { mailboxKey, readRecipients } from '../../core/addresses';
import { SendguardError } from '../../core/errors';
import type { TokenOwner } from '../store/store';

export const OWNER_EXAMPLE = '"Ana Example <ana@example.org>"';

/** Throws ADDRESS_INVALID when `text` is not exactly one mailbox. */
export function parseTokenOwner(text: string): TokenOwner {
  const { recipients, invalid } = readRecipients({ to: [text] });
  const [mailbox] = recipients;
  if (invalid.length > 0 || recipients.length !== 1 || !mailbox) {
    const why = invalid[0] ? ` (it ${invalid[0].reason})` : '';
    throw new SendguardError(
      'ADDRESS_INVALID',
      `the owner "${text}" is not one mailbox such as ${OWNER_EXAMPLE}${why}`,
    );
  }
  // A parsed recipient's address always has a key.
  const address = mailboxKey(mailbox.address)!;
  return mailbox.displayName ? { name: mailbox.displayName, address } : { address };
}
