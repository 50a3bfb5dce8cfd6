/**
 * Lists into their members, before the message is planned: a list recipient is replaced by the people its mail
 * reaches, each marked `via` the list the sender addressed, so that a list cannot carry a message past the
 * per-recipient check (an internal-looking list address with an external member behind it). Nested lists are
 * followed, bounded in depth, count and time; a cycle ends where it closes. A list whose members cannot all be
 * read stays a recipient itself and is named in `unknown`: its membership is unknown (unknown-membership.ts).
 */
import { messageOf } from '../../core/errors';
import { hostAddressKey } from '../../core/mailbox-key';
import { RECIPIENT_FIELDS } from '../../core/recipient-fields';
import { recordFailure } from '../failure-log';
import { within } from '../within';
import { perField, type HostRecipient, type HostRecipients } from '../host';
import { ListLookupError, type ListDirectory } from './directory';

export interface ListLimits {
  /** Lists inside lists followed this deep; the list the sender addressed is the first. */
  depth: number;
  /** Members, all lists of one message together: under the service's default of 500 recipients per check. */
  members: number;
  /** Every lookup of one message together, inside Outlook's 5 s before its "taking longer" dialog. */
  budgetMs: number;
}

export const LIST_LIMITS: ListLimits = { depth: 4, members: 400, budgetMs: 3000 };

/** A list whose members could not all be read: it stays a recipient, and `why` says what stopped the reading. */
export interface UnknownList {
  list: HostRecipient;
  why: string;
}

export interface ExpandedRecipients {
  recipients: HostRecipients;
  unknown: UnknownList[];
}

export interface ExpandOptions {
  limits?: ListLimits;
}

/** What one message's expansion shares across its lists. */
interface Walk {
  directory: ListDirectory;
  limits: ListLimits;
  /** Epoch ms, by Date.now: classic Outlook's runtime has no `performance`. */
  deadline: number;
  /** Each list asked once per message, however many times it is addressed or nested. */
  lookups: Map<string, Promise<HostRecipient[]>>;
  unknown: UnknownList[];
}

const tooLong = () => new ListLookupError('LIST_TIMEOUT', 'the lists took too long to read');

/** A lookup that answers within what is left of the message's budget; its timer never outlives it. */
async function lookup(walk: Walk, list: HostRecipient): Promise<HostRecipient[]> {
  const left = walk.deadline - Date.now();
  if (left <= 0) throw tooLong();
  const key = hostAddressKey(list.address);
  let asked = walk.lookups.get(key);
  if (!asked) {
    asked = walk.directory.members(list);
    walk.lookups.set(key, asked);
  }
  return within(left, asked, tooLong);
}

/** Recorded for whoever looks into it (a consent missing is the administrator's to fix), and said to the sender. */
function reasonOf(error: unknown): string {
  recordFailure('reading a list’s members', error);
  return messageOf(error);
}

/** The list, kept as a recipient of unknown membership. */
function unknownList(walk: Walk, list: HostRecipient, via: string | undefined, why: string): HostRecipient[] {
  const kept: HostRecipient = { ...list, kind: 'list', ...(via ? { via } : {}) };
  walk.unknown.push({ list: kept, why });
  return [kept];
}

/**
 * Everyone `list`'s mail reaches, each `via` the list the sender addressed (`via`; itself at the top). `path`: the
 * lists this one was reached through, which a cycle leads back to.
 */
async function membersOf(
  walk: Walk,
  list: HostRecipient,
  via: string,
  path: readonly string[],
): Promise<HostRecipient[]> {
  const nestedVia = path.length > 0 ? via : undefined;
  if (path.length >= walk.limits.depth)
    return unknownList(walk, list, nestedVia, `it is nested more than ${walk.limits.depth} lists deep`);
  let direct: HostRecipient[];
  try {
    direct = await lookup(walk, list);
  } catch (error) {
    return unknownList(walk, list, nestedVia, reasonOf(error));
  }
  const reachedThrough = [...path, hostAddressKey(list.address)];
  const reached = await Promise.all(
    direct.map((member): HostRecipient[] | Promise<HostRecipient[]> => {
      if (member.kind !== 'list') return [{ ...member, via }];
      // A list that contains a list it is itself in: those members are already being read.
      if (reachedThrough.includes(hostAddressKey(member.address))) return [];
      return membersOf(walk, member, via, reachedThrough);
    }),
  );
  return reached.flat();
}

/**
 * `recipients` with every list replaced by its members (in the list's field), or kept where its members could not
 * all be read. Without a directory every list has unknown membership. Never throws for a list it cannot read.
 */
export async function expandLists(
  recipients: HostRecipients,
  directory: ListDirectory | undefined,
  options: ExpandOptions = {},
): Promise<ExpandedRecipients> {
  const lists = RECIPIENT_FIELDS.flatMap((f) => recipients[f]).filter((r) => r.kind === 'list');
  if (lists.length === 0) return { recipients, unknown: [] };
  const limits = options.limits ?? LIST_LIMITS;
  if (!directory) {
    const why = 'this mail client does not let Sendguard read who is on a list';
    return { recipients, unknown: lists.map((list) => ({ list, why })) };
  }
  const walk: Walk = {
    directory,
    limits,
    deadline: Date.now() + limits.budgetMs,
    lookups: new Map(),
    unknown: [],
  };
  const expandedFields = await Promise.all(
    RECIPIENT_FIELDS.map(async (field) => {
      const each = await Promise.all(
        recipients[field].map((r) => (r.kind === 'list' ? membersOf(walk, r, r.address, []) : [r])),
      );
      return each.flat();
    }),
  );
  const expanded = perField((field) => expandedFields[RECIPIENT_FIELDS.indexOf(field)]!);
  const members = expandedFields.flat().filter((r) => r.via !== undefined).length;
  if (members > limits.members) {
    // Past the count limit the members are not checked one by one: every list the sender addressed has unknown
    // membership, and the lists themselves are what the plan sees.
    const why = `its lists have more than ${limits.members} members, more than Sendguard checks at once`;
    return { recipients, unknown: lists.map((list) => ({ list, why })) };
  }
  return { recipients: expanded, unknown: walk.unknown };
}
