/**
 * The person an API token acts for, as an admin names them when issuing it: `Ana Example <ana@example.org>` or a
 * bare address. Read with the same parser as recipients, so an owner is a mailbox by the same rules; the name is
 * held to the rules of every display name the service shows (display-name.ts).
 */
import { AddressError, mailboxKey, parseAddress, type Recipient } from '../../core/addresses';
import { SendguardError } from '../../core/errors';
import type { TokenOwner } from '../store/store';
import { displayNameProblem } from './display-name';

const OWNER_EXAMPLE = '"Ana Example <ana@example.org>"';

/**
 * Whether `text` is written as a group (`Team: ana@example.org;`), which the recipient parser reads as its
 * members: a colon or semicolon outside a quoted string. Nothing else in one mailbox has them there (an obsolete
 * route or a domain literal, which an owner needs neither, would be refused with it).
 */
function looksLikeGroup(text: string): boolean {
  let quoted = false;
  let escaped = false;
  for (const char of text) {
    if (escaped) escaped = false;
    else if (quoted && char === '\\') escaped = true;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && (char === ':' || char === ';')) return true;
  }
  return false;
}

/** Throws ADDRESS_INVALID when `text` is not exactly one mailbox, or its name could mislead a reader. */
export function parseTokenOwner(text: string): TokenOwner {
  const refusal = (why: string | undefined) =>
    new SendguardError(
      'ADDRESS_INVALID',
      `the owner "${text}" is not one mailbox such as ${OWNER_EXAMPLE}${why ? ` (it ${why})` : ''}`,
    );
  if (looksLikeGroup(text)) throw refusal('is written as a group');
  let mailbox: Recipient;
  try {
    mailbox = parseAddress(text);
  } catch (error) {
    throw refusal(error instanceof AddressError ? error.invalid[0]?.reason : undefined);
  }
  // A parsed recipient's address always has a key.
  const address = mailboxKey(mailbox.address)!;
  if (mailbox.displayName === undefined) return { address };
  const problem = displayNameProblem(mailbox.displayName);
  if (problem !== undefined) throw refusal(`has a name that ${problem}`);
  return { name: mailbox.displayName, address };
}
