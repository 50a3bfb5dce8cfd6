/**
 * Microsoft Graph's answers about groups, read by hand (no zod: the ES2016 send handler bundles this) and bounded:
 * the group a list's address names (`GET /groups?$filter=mail eq '…'`) and a page of its members
 * (`GET /groups/{id}/members`). A member is mail to someone only where Graph gives the address its mail goes to;
 * a user, contact or group without one cannot be placed, and the list is then unreadable rather than shorter.
 */
import { AnswerError, Place } from '../../core/evaluate/fields';
import type { HostRecipient } from '../../addin/host';
import { ListLookupError } from '../../addin/lists/directory';

const GRAPH_LIMITS = {
  /** A page of 100 members with every selected field at its longest is far below this. */
  bodyChars: 1_000_000,
  /** Graph's largest page ($top) is 999 entries. */
  pageEntries: 999,
  /** RFC 5321 §4.5.3.1 path limits, with room for a display form. */
  addressMax: 320,
  /** Entra's longest display name is 256 characters. */
  displayNameMax: 256,
  /** Object ids are GUIDs; a next link carries a skip token. */
  idMax: 128,
  nextLinkMax: 4096,
} as const;

/** A member as Graph lists it: a group member also with its id, so that its own members are asked by id. */
interface GraphMember {
  member: HostRecipient;
  groupId?: string;
}

export interface MembersPage {
  members: GraphMember[];
  /** `@odata.nextLink`: where the next page is, when there is one. */
  next?: string;
}

/** Kinds of directory object that receive mail; any other (a device, an app) receives none and is left out. */
const MAIL_KINDS: Record<string, 'user' | 'contact' | 'group'> = {
  '#microsoft.graph.user': 'user',
  '#microsoft.graph.orgContact': 'contact',
  '#microsoft.graph.group': 'group',
};

/** `text` as JSON, refused past the size cap. */
function parseBody(text: string): unknown {
  if (text.length > GRAPH_LIMITS.bodyChars)
    throw new ListLookupError('LIST_UNREADABLE', 'Microsoft 365’s answer was too large');
  try {
    return JSON.parse(text);
  } catch {
    throw new ListLookupError('LIST_UNREADABLE', 'Microsoft 365’s answer was not JSON');
  }
}

/** `read` over the parsed body; a malformed answer becomes LIST_UNREADABLE naming what was wrong. */
export function readGraph<T>(text: string, read: (body: unknown) => T): T {
  const body = parseBody(text);
  try {
    return read(body);
  } catch (error) {
    if (error instanceof AnswerError)
      throw new ListLookupError(
        'LIST_UNREADABLE',
        `Microsoft 365’s answer could not be read: ${error.message}`,
      );
    throw error;
  }
}

const entriesOf = (at: Place, body: unknown) =>
  at.list(at.object(body, 'the answer').value, 'value', GRAPH_LIMITS.pageEntries);

/** The ids of the groups the address lookup found. */
export function readGroupIds(body: unknown): string[] {
  const at = new Place('the groups: ');
  return entriesOf(at, body).map((entry) =>
    at.string(at.object(entry, 'a group').id, 'id', 1, GRAPH_LIMITS.idMax),
  );
}

function readMember(at: Place, entry: unknown): GraphMember | undefined {
  const fields = at.object(entry, 'a member');
  const type = at.string(fields['@odata.type'], '@odata.type', 1, GRAPH_LIMITS.idMax);
  const kind = Object.prototype.hasOwnProperty.call(MAIL_KINDS, type) ? MAIL_KINDS[type] : undefined;
  if (!kind) return undefined;
  const name = at.optionalString(fields.displayName ?? undefined, 'displayName', GRAPH_LIMITS.displayNameMax);
  if (typeof fields.mail !== 'string' || fields.mail === '') {
    throw new ListLookupError(
      'LIST_UNREADABLE',
      `Microsoft 365 did not give the address of ${name ? `“${name}”` : `a ${kind}`} on it (your administrator may need to grant Sendguard User.ReadBasic.All and OrgContact.Read.All)`,
    );
  }
  const address = at.string(fields.mail, 'mail', 1, GRAPH_LIMITS.addressMax);
  const base = { address, ...(name ? { displayName: name } : {}) };
  if (kind === 'group')
    return { member: { ...base, kind: 'list' }, groupId: at.string(fields.id, 'id', 1, GRAPH_LIMITS.idMax) };
  // A guest is a user of another organisation, a contact an address outside it.
  const external = kind === 'contact' || fields.userType === 'Guest';
  return { member: { ...base, kind: external ? 'external' : 'user' } };
}

export function readMembersPage(body: unknown): MembersPage {
  const at = new Place('the members: ');
  const members = entriesOf(at, body).flatMap((entry) => {
    const member = readMember(at, entry);
    return member ? [member] : [];
  });
  const next = at.optionalString(
    at.object(body, 'the answer')['@odata.nextLink'],
    '@odata.nextLink',
    GRAPH_LIMITS.nextLinkMax,
  );
  return { members, ...(next ? { next } : {}) };
}
