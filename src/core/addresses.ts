/**
 * Recipient strings as hosts hand them over (`"Name" <a@b>`, bare addresses, lists, groups, odd quoting, IDN
 * domains, trailing dots) → recipients with a lower-case A-label domain and the local part kept as given.
 * Parsing is RFC 5322 (with RFC 6532 UTF-8) by `email-addresses`; IDNA by `tr46` (UTS #46, non-transitional).
 */
import { parseAddressList, type ParsedMailbox } from 'email-addresses';
import { SendguardError } from './errors';
import { canonicalMailboxKey } from './mailbox-key';
import { PLAIN_ADDRESS } from './plain-address';
import { RECIPIENT_FIELDS, type RecipientField } from './recipient-fields';
import { utf8Length } from './utf8';

export interface Recipient {
  /** `local@domain` with the domain as a lower-case A-label; the local part quoted only where RFC 5322 needs it. */
  address: string;
  localPart: string;
  domain: string;
  displayName?: string;
  /** Every header field the address appeared in, in To, Cc, Bcc order. */
  fields: RecipientField[];
}

export interface InvalidEntry {
  field: RecipientField;
  entry: string;
  reason: string;
}

export class AddressError extends SendguardError {
  constructor(readonly invalid: InvalidEntry[]) {
    super('ADDRESS_INVALID', invalid.map((bad) => `${bad.field}: "${bad.entry}" ${bad.reason}`).join('; '));
  }
}

export type RecipientInput = Partial<Record<RecipientField, readonly string[]>>;

/**
 * The grammar (`email-addresses`) costs tens of microseconds per character on hostile shapes and nests comments
 * recursively, so the caps on its cost are checked by a linear scan before it runs (`screenEntry`). An entry may
 * hold a list (Thunderbird hands over what was typed), so it may be longer than one mailbox, and the caps that
 * are about one mailbox are counted per mailbox.
 */
export const MAX_ENTRY_LENGTH = 4096;
/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including its angle brackets. */
const MAX_ADDRESS_OCTETS = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_OCTETS = 64;
/** What one mailbox may carry besides its address: a display name and comments. RFC 5322 sets no limit. */
const MAX_NAME_LENGTH = 256;
/** RFC 5322 lets comments nest; real recipient strings hardly ever do, and the grammar recurses on each level. */
const MAX_COMMENT_DEPTH = 3;
/** Runs of comments are among the grammar's slowest input; a real mailbox has one or two. */
const MAX_COMMENTS = 8;
/** An entry without an @ is at most an empty group, "undisclosed-recipients:;". */
const MAX_EMPTY_GROUP_LENGTH = 64;

const TOO_LONG_ADDRESS = `has an address over ${MAX_ADDRESS_OCTETS} bytes, the most RFC 5321 allows`;
const TOO_LONG_LOCAL = `has a local part (before the @) over ${MAX_LOCAL_OCTETS} bytes, the most RFC 5321 allows`;

const IDNA_OPTIONS = {
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  verifyDNSLength: true,
  transitionalProcessing: false,
} as const;

export class DomainError extends SendguardError {
  constructor(
    readonly domain: string,
    readonly reason: string,
  ) {
    super('DOMAIN_INVALID', `"${domain}" ${reason}`);
  }
}

/**
 * Already-normal names (lower-case LDH labels, none of them an A-label or with hyphens in positions 3–4, which
 * UTS #46 must check) need no IDNA processing; this keeps hot-path lookups of cached domains cheap.
 */
const PLAIN_LDH =
  /^(?=.{1,253}$)(?!-)(?![a-z0-9]{2}--)[a-z0-9-]{1,63}(?<!-)(\.(?!-)(?![a-z0-9]{2}--)[a-z0-9-]{1,63}(?<!-))+$/;

/** tr46 and its tables, loaded for the first name that needs them: a plain name never does. */
let idna: typeof import('tr46') | undefined;

/** A domain name as a lower-case A-label without the trailing root dot; throws DomainError. */
export function normalizeDomain(domain: string): string {
  if (PLAIN_LDH.test(domain)) return domain;
  const trimmed = domain.trim().replace(/\.$/, '');
  if (trimmed.startsWith('[')) throw new DomainError(domain, 'is an address literal: use the domain name');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  idna ??= require('tr46') as typeof import('tr46');
  const ascii = idna.toASCII(trimmed, IDNA_OPTIONS);
  if (ascii === null || ascii === '') throw new DomainError(domain, 'is not a valid domain name');
  if (!ascii.includes('.')) throw new DomainError(domain, 'has no top-level domain');
  return ascii.toLowerCase();
}

const DOT_ATOM =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;

function formatLocalPart(local: string): string {
  return DOT_ATOM.test(local) ? local : `"${local.replace(/(["\\])/g, '\\$1')}"`;
}

/** One trailing root dot after a domain ("a@example.org.") is legal in DNS but not in RFC 5322. */
function withoutTrailingDots(entry: string): string {
  return entry.replace(/(@[^\s<>,;"@]+?)\.(?=\s*(?:>|,|;|$))/g, '$1');
}

function explainUnparsable(entry: string): string {
  const at = entry.split('@').length - 1;
  if (at === 0) return 'has no @: it is not an email address';
  if (/@[^@]*@/.test(entry) && !entry.includes(',')) return 'has more than one @';
  if (/@\s*(>|$)/.test(entry)) return 'has nothing after the @';
  if (/(^|<|\s)@/.test(entry)) return 'has nothing before the @';
  return 'is not a valid email address';
}

/** Running counts for the mailbox the screen is in. */
class MailboxTally {
  /** Characters outside `<…>`: the display name and comments, or a bare address and its comments. */
  outside = 0;
  /** Of those, the ones outside comments and white space: for a bare address, the address itself. */
  bare = 0;
  sawAngle = false;
  comments = 0;

  problem(): string | undefined {
    // Beside a bare address, what is not the address is white space and comments.
    if ((this.sawAngle ? this.outside : this.outside - this.bare) > MAX_NAME_LENGTH) {
      return `has a name or comments over ${MAX_NAME_LENGTH} characters besides its address`;
    }
    return undefined;
  }
}

/**
 * One linear pass over an entry, before the grammar, refusing only what would make the grammar costly: each
 * mailbox's name within MAX_NAME_LENGTH and at most MAX_COMMENTS comments, comments nested at most
 * MAX_COMMENT_DEPTH deep, an @ somewhere (or a short empty group). Tracks quoted strings, comments, `<…>` and
 * domain literals only as far as needed to find mailbox boundaries (a `,` or a group's `:` and `;` outside all of
 * them); the grammar still decides what is valid. The lengths RFC 5321 sets for an address are judged per mailbox
 * after the grammar (`toRecipient`), so one over-long mailbox in a list is named alone and the rest kept. Returns
 * why the whole entry is refused.
 */
function screenEntry(entry: string): string | undefined {
  let tally = new MailboxTally();
  let quoted = false;
  let escaped = false;
  let depth = 0;
  let inAngle = false;
  let inLiteral = false;
  let sawAt = false;
  let sawColon = false;
  for (let i = 0; i < entry.length; i++) {
    const char = entry[i]!;
    const inComment = depth > 0;
    if (escaped) escaped = false;
    else if ((quoted || inComment) && char === '\\') escaped = true;
    else if (quoted) quoted = char !== '"';
    else if (inLiteral) inLiteral = char !== ']';
    else if (char === '(') {
      if (++depth > MAX_COMMENT_DEPTH) return `has comments nested more than ${MAX_COMMENT_DEPTH} deep`;
      if (depth === 1 && ++tally.comments > MAX_COMMENTS) {
        return `has a mailbox with more than ${MAX_COMMENTS} comments in parentheses`;
      }
    } else if (inComment) depth -= char === ')' ? 1 : 0;
    else if (char === '"') quoted = true;
    else if (char === '[') inLiteral = true;
    else if (char === '<' && !inAngle) {
      inAngle = tally.sawAngle = true;
      continue;
    } else if (char === '>' && inAngle) {
      inAngle = false;
      continue;
    } else if (!inAngle && (char === ',' || char === ':' || char === ';')) {
      sawColon ||= char === ':';
      const problem = tally.problem();
      if (problem !== undefined) return problem;
      tally = new MailboxTally();
      continue;
    } else if (char === '@') sawAt = true;
    if (!inAngle) {
      tally.outside += 1;
      if (!inComment && depth === 0 && char !== ' ' && char !== '\t') tally.bare += 1;
    }
  }
  // Without an @ there is no mailbox, only perhaps an empty group: the rest is refused here, as the grammar
  // would, without its cost.
  if (!sawAt && (!sawColon || entry.length > MAX_EMPTY_GROUP_LENGTH)) return explainUnparsable(entry);
  return tally.problem();
}

/** The parts of a mailbox this module reads, whichever parser found them. */
type Mailbox = Pick<ParsedMailbox, 'local' | 'domain' | 'name'>;

/** The send path parses every recipient of every message: the common bare form skips the full grammar. */
function plainMailbox(entry: string): Mailbox | undefined {
  const match = PLAIN_ADDRESS.exec(entry);
  return match ? { local: match[1]!, domain: match[2]!, name: null } : undefined;
}

function toRecipient(mailbox: Mailbox, field: RecipientField): Recipient | string {
  let domain: string;
  try {
    domain = normalizeDomain(mailbox.domain);
  } catch (error) {
    if (error instanceof DomainError) return `has a domain that ${error.reason}`;
    throw error;
  }
  const localPart = mailbox.local;
  if (utf8Length(localPart) > MAX_LOCAL_OCTETS) return TOO_LONG_LOCAL;
  // Measured on the result, as it will be sent: quoting and the A-label can make the address longer than given.
  const address = `${formatLocalPart(localPart)}@${domain}`;
  if (utf8Length(address) > MAX_ADDRESS_OCTETS) return TOO_LONG_ADDRESS;
  const displayName = mailbox.name?.trim();
  return { address, localPart, domain, ...(displayName ? { displayName } : {}), fields: [field] };
}

function parseEntry(
  entry: string,
  field: RecipientField,
): { recipients: Recipient[]; invalid: InvalidEntry[] } {
  const bad = (reason: string) => ({ recipients: [], invalid: [{ field, entry, reason }] });
  if (entry.length > MAX_ENTRY_LENGTH) return bad(`is longer than ${MAX_ENTRY_LENGTH} characters`);
  const plain = plainMailbox(entry);
  if (plain) {
    const result = toRecipient(plain, field);
    return typeof result === 'string' ? bad(result) : { recipients: [result], invalid: [] };
  }
  const refused = screenEntry(entry);
  if (refused !== undefined) return bad(refused);
  const parsed = parseAddressList({ input: withoutTrailingDots(entry), rfc6532: true });
  if (parsed === null) return bad(explainUnparsable(entry));
  const mailboxes = parsed.flatMap((item) => (item.type === 'group' ? item.addresses : [item]));
  const recipients: Recipient[] = [];
  const invalid: InvalidEntry[] = [];
  for (const mailbox of mailboxes) {
    const result = toRecipient(mailbox, field);
    if (typeof result === 'string') invalid.push({ field, entry: mailbox.address, reason: result });
    else recipients.push(result);
  }
  return { recipients, invalid };
}

/**
 * The one form under which addresses are compared, merged, stored and looked up, everywhere: surrounding white
 * space dropped, the domain as a lower-case A-label, then `canonicalMailboxKey`'s rule (local part lower-cased).
 * Undefined when the text is not `local@domain` with a valid domain.
 */
export function mailboxKey(address: string): string | undefined {
  const text = address.trim();
  const at = text.lastIndexOf('@');
  if (at <= 0) return undefined;
  try {
    return canonicalMailboxKey(`${text.slice(0, at)}@${normalizeDomain(text.slice(at + 1))}`);
  } catch (error) {
    if (error instanceof DomainError) return undefined;
    throw error;
  }
}

/**
 * Every recipient once, in the order first seen (To, then Cc, then Bcc), and every entry that could not be read.
 * Empty entries are ignored; a group contributes its members.
 */
export function readRecipients(input: RecipientInput): { recipients: Recipient[]; invalid: InvalidEntry[] } {
  const byKey = new Map<string, Recipient>();
  const invalid: InvalidEntry[] = [];
  for (const field of RECIPIENT_FIELDS) {
    for (const entry of input[field] ?? []) {
      if (entry.trim() === '') continue;
      const parsed = parseEntry(entry, field);
      invalid.push(...parsed.invalid);
      for (const recipient of parsed.recipients) {
        // A parsed recipient's address is already canonical, so its key always exists.
        const key = canonicalMailboxKey(recipient.address)!;
        const seen = byKey.get(key);
        if (!seen) byKey.set(key, recipient);
        else if (!seen.fields.includes(field)) seen.fields.push(field);
      }
    }
  }
  return { recipients: [...byKey.values()], invalid };
}

/** Like readRecipients, but any unreadable entry is an AddressError naming every bad entry. */
export function parseRecipients(input: RecipientInput): Recipient[] {
  const { recipients, invalid } = readRecipients(input);
  if (invalid.length > 0) throw new AddressError(invalid);
  return recipients;
}

/** One address, as used for key lookups; throws AddressError. */
export function parseAddress(entry: string): Recipient {
  const recipients = parseRecipients({ to: [entry] });
  const [only] = recipients;
  if (!only || recipients.length !== 1) {
    throw new AddressError([{ field: 'to', entry, reason: 'must be exactly one address' }]);
  }
  return only;
}

/**
 * The `mailboxKey` of exactly one address as a person or host typed it (`Ann <Ann@Example.org>` →
 * `ann@example.org`): what every store is keyed by. Throws AddressError for anything else.
 */
export function addressKey(entry: string): string {
  const key = mailboxKey(parseAddress(entry).address);
  if (key === undefined) throw new AddressError([{ field: 'to', entry, reason: 'is not local@domain' }]);
  return key;
}
