/**
 * Who is on an Exchange distribution list, from Microsoft Graph with the sender's own token (nested app
 * authentication, graph-token.ts): the group with the list's address (its primary one or an alias), then its
 * direct members page by
 * page. Nested groups come back marked as lists with their ids, and are asked by id when the expander follows
 * them. Every request is bounded in time; a next link is followed only to Graph itself, never elsewhere with the
 * token; the number of pages is bounded.
 */
import type { HostRecipient } from '../../addin/host';
import { ListLookupError, type ListDirectory } from '../../addin/lists/directory';
import { within } from '../../addin/within';
import { messageOf } from '../../core/errors';
import { hostAddressKey } from '../../core/mailbox-key';
import { MICROSOFT_GRAPH } from '../../core/microsoft-graph';
import { readGraph, readGroupIds, readMembersPage, type MembersPage } from './graph-answers';

export interface GraphListOptions {
  /** Graph's base URL, without a trailing slash: Microsoft's own by default, a test's fake on loopback. */
  baseUrl?: string;
  /** The sender's token for Graph; throws ListLookupError when there is none to have. */
  token: () => Promise<string>;
  fetch?: typeof fetch;
  /** Each request, its token included; well inside the expansion's whole budget (expand.ts). */
  requestMs?: number;
}

const PAGE_SIZE = 100;
/** Pages of members read from one list; past them the list is unreadable rather than cut short. */
const MAX_PAGES = 5;

/** OData string literal: a quote doubled (OData 4.01 ABNF `SQUOTE-in-string`). */
const odataString = (text: string) => `'${text.replace(/'/g, "''")}'`;

function refusalOf(status: number): ListLookupError {
  if (status === 401 || status === 403)
    return new ListLookupError(
      'LIST_REFUSED',
      `Microsoft 365 refused to list its members (HTTP ${status}); your administrator may need to consent to Sendguard reading group members`,
    );
  if (status === 404)
    return new ListLookupError('LIST_NOT_FOUND', 'Microsoft 365 has no group with this address');
  return new ListLookupError('LIST_UNAVAILABLE', `Microsoft 365 did not answer (HTTP ${status})`);
}

export function graphListDirectory(options: GraphListOptions): ListDirectory {
  const base = (options.baseUrl ?? MICROSOFT_GRAPH).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const requestMs = options.requestMs ?? 2500;
  /** Nested groups' ids by address, as their parents' pages gave them: no second lookup by address. */
  const groupIds = new Map<string, string>();

  async function get<T>(url: string, read: (body: unknown) => T): Promise<T> {
    const abort = typeof AbortController === 'function' ? new AbortController() : undefined;
    const exchange = (async () => {
      const token = await options.token();
      let response: Response;
      try {
        response = await fetchImpl(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          ...(abort ? { signal: abort.signal } : {}),
        });
      } catch (error) {
        throw new ListLookupError(
          'LIST_UNAVAILABLE',
          `Microsoft 365 could not be reached (${messageOf(error)})`,
          {
            cause: error,
          },
        );
      }
      if (!response.ok) throw refusalOf(response.status);
      return readGraph(await response.text(), read);
    })();
    return within(requestMs, exchange, () => {
      abort?.abort();
      return new ListLookupError('LIST_TIMEOUT', `Microsoft 365 did not answer within ${requestMs} ms`);
    });
  }

  /** The ids of the groups `filter` (an OData expression) finds. */
  const groupsWhere = (filter: string) =>
    get(`${base}/v1.0/groups?$filter=${encodeURIComponent(filter)}&$select=id`, readGroupIds);

  /**
   * The group by its primary address; failing that, by any of its addresses (`proxyAddresses`), since the sender may
   * have typed one of the list's aliases.
   */
  async function groupIdOf(list: HostRecipient): Promise<string> {
    const known = groupIds.get(hostAddressKey(list.address));
    if (known) return known;
    let ids = await groupsWhere(`mail eq ${odataString(list.address)}`);
    if (ids.length === 0)
      ids = await groupsWhere(`proxyAddresses/any(p:p eq ${odataString(`smtp:${list.address}`)})`);
    if (ids.length === 0)
      throw new ListLookupError('LIST_NOT_FOUND', 'Microsoft 365 has no group with this address');
    if (ids.length > 1)
      throw new ListLookupError('LIST_UNREADABLE', 'Microsoft 365 has more than one group with this address');
    return ids[0]!;
  }

  return {
    async members(list) {
      const id = await groupIdOf(list);
      let url: string | undefined =
        `${base}/v1.0/groups/${encodeURIComponent(id)}/members?$select=id,mail,displayName,userType&$top=${PAGE_SIZE}`;
      const members: HostRecipient[] = [];
      for (let page = 0; url !== undefined; page++) {
        if (page === MAX_PAGES)
          throw new ListLookupError(
            'LIST_UNREADABLE',
            `it has more than ${MAX_PAGES * PAGE_SIZE} members, more than Sendguard reads`,
          );
        // The token goes to Graph only: a next link elsewhere is not followed.
        if (!url.startsWith(`${base}/`))
          throw new ListLookupError('LIST_UNREADABLE', 'Microsoft 365 pointed elsewhere for the rest');
        const { members: found, next }: MembersPage = await get(url, readMembersPage);
        for (const { member, groupId } of found) {
          if (groupId) groupIds.set(hostAddressKey(member.address), groupId);
          members.push(member);
        }
        url = next;
      }
      return members;
    },
  };
}
