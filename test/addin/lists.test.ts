/**
 * Lists into members before the plan (src/addin/lists): what a list hides comes out, nested lists are followed and
 * bounded, a cycle ends, and what cannot be read is unknown membership, which blocks any message above the policy's
 * first classification with the list named and what to do.
 */
import type { HostRecipient, HostRecipients } from '../../src/addin/host';
import { ListLookupError, type ListDirectory } from '../../src/addin/lists/directory';
import { expandLists, LIST_LIMITS } from '../../src/addin/lists/expand';
import { blockForUnknownMembership } from '../../src/addin/lists/unknown-membership';
import { namedWithList } from '../../src/addin/lists/via';
import type { Plan } from '../../src/core/plan';
import { defaultPolicy } from '../helpers/policy';

const list = (address: string, displayName?: string): HostRecipient => ({
  address,
  kind: 'list',
  ...(displayName ? { displayName } : {}),
});
const person = (address: string): HostRecipient => ({ address, kind: 'user' });
const to = (...recipients: HostRecipient[]): HostRecipients => ({ to: recipients, cc: [], bcc: [] });

/** A directory over a table of lists; each lookup counted. */
function directory(lists: Record<string, HostRecipient[]>): ListDirectory & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async members({ address }) {
      asked.push(address);
      const members = lists[address];
      if (!members)
        throw new ListLookupError('LIST_NOT_FOUND', 'the directory has no list with this address');
      return members;
    },
  };
}

describe('expanding lists', () => {
  test('a list with an internal address is replaced by its members, the external one behind it included', async () => {
    const dir = directory({
      'team@example.org': [person('ann@example.org'), { address: 'bob@partner.example', kind: 'external' }],
    });
    const { recipients, unknown } = await expandLists(
      to(list('team@example.org', 'Team'), person('cy@example.org')),
      dir,
    );
    expect(unknown).toEqual([]);
    expect(recipients.to).toEqual([
      { address: 'ann@example.org', kind: 'user', via: 'team@example.org' },
      { address: 'bob@partner.example', kind: 'external', via: 'team@example.org' },
      { address: 'cy@example.org', kind: 'user' },
    ]);
  });

  test('nested lists are followed, members marked via the list the sender addressed', async () => {
    const dir = directory({
      'all@example.org': [list('sales@example.org'), person('ann@example.org')],
      'sales@example.org': [list('partners@example.org'), person('dee@example.org')],
      'partners@example.org': [{ address: 'bob@partner.example', kind: 'external' }],
    });
    const { recipients, unknown } = await expandLists(to(list('all@example.org')), dir);
    expect(unknown).toEqual([]);
    expect(recipients.to.map((r) => [r.address, r.via])).toEqual([
      ['bob@partner.example', 'all@example.org'],
      ['dee@example.org', 'all@example.org'],
      ['ann@example.org', 'all@example.org'],
    ]);
  });

  test('a cycle ends where it closes, and each list is asked once', async () => {
    const dir = directory({
      'a@example.org': [list('b@example.org'), person('ann@example.org')],
      'b@example.org': [list('a@example.org'), { address: 'bob@partner.example', kind: 'external' }],
    });
    const { recipients, unknown } = await expandLists(
      { to: [list('a@example.org')], cc: [list('b@example.org')], bcc: [] },
      dir,
    );
    expect(unknown).toEqual([]);
    expect(recipients.to.map((r) => r.address)).toEqual(['bob@partner.example', 'ann@example.org']);
    expect(recipients.cc.map((r) => r.address)).toEqual(['ann@example.org', 'bob@partner.example']);
    expect(dir.asked.sort()).toEqual(['a@example.org', 'b@example.org']);
  });

  test('lists nested past the depth limit: the deepest stays, of unknown membership', async () => {
    const chain: Record<string, HostRecipient[]> = {};
    for (let i = 0; i < LIST_LIMITS.depth + 1; i++)
      chain[`l${i}@example.org`] = [list(`l${i + 1}@example.org`)];
    const { recipients, unknown } = await expandLists(to(list('l0@example.org')), directory(chain));
    const deepest = `l${LIST_LIMITS.depth}@example.org`;
    expect(recipients.to).toEqual([{ address: deepest, kind: 'list', via: 'l0@example.org' }]);
    expect(unknown).toEqual([
      { list: recipients.to[0], why: `it is nested more than ${LIST_LIMITS.depth} lists deep` },
    ]);
  });

  test('a list the directory refuses stays a recipient, with the reason', async () => {
    const refusing: ListDirectory = {
      members: () =>
        Promise.reject(new ListLookupError('LIST_REFUSED', 'Microsoft 365 refused to list its members')),
    };
    const team = list('team@example.org', 'Team');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { recipients, unknown } = await expandLists(to(team, person('ann@example.org')), refusing);
    expect(recipients.to).toEqual([team, person('ann@example.org')]);
    expect(unknown).toEqual([{ list: team, why: 'Microsoft 365 refused to list its members' }]);
    // Recorded with its code, for whoever looks into it.
    expect(String(warn.mock.calls[0]?.[0])).toContain('reading a list’s members failed [LIST_REFUSED]');
    warn.mockRestore();
  });

  test('a directory that never answers: unknown within the budget, no timer left behind', async () => {
    const silent: ListDirectory = { members: () => new Promise(() => undefined) };
    const started = Date.now();
    const { unknown } = await expandLists(to(list('team@example.org')), silent, {
      limits: { ...LIST_LIMITS, budgetMs: 100 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(unknown.map((u) => u.why)).toEqual(['the lists took too long to read']);
  });

  test('more members than the limit: every list addressed is unknown and kept', async () => {
    const many = Array.from({ length: 5 }, (_, i) => person(`p${i}@example.org`));
    const team = list('team@example.org');
    const { recipients, unknown } = await expandLists(to(team), directory({ 'team@example.org': many }), {
      limits: { ...LIST_LIMITS, members: 4 },
    });
    expect(recipients.to).toEqual([team]);
    expect(unknown[0]!.why).toContain('more than 4 members');
  });

  test('without a directory every list is of unknown membership; a message without lists is untouched', async () => {
    const team = list('team@example.org');
    expect((await expandLists(to(team), undefined)).unknown).toHaveLength(1);
    const plain = to(person('ann@example.org'));
    expect(await expandLists(plain, undefined)).toEqual({ recipients: plain, unknown: [] });
  });

  test('a member is named with the list it came through', () => {
    const named = namedWithList(to({ address: 'Bob@Partner.example', via: 'team@example.org' }));
    expect(named('Bob@partner.example')).toBe('Bob@partner.example (via team@example.org)');
    expect(named('ann@example.org')).toBe('ann@example.org');
  });
});

describe('unknown membership', () => {
  const plan = (classification: string): Plan => ({
    classification,
    action: 'tag',
    summary: 'Forced TLS.',
    recipients: [],
  });
  const unknown = [
    { list: list('team@example.org', 'Team'), why: 'Microsoft 365 refused to list its members' },
  ];

  test('a normal message may go to a list nobody could read', () => {
    const normal = plan('normal');
    expect(blockForUnknownMembership(normal, unknown, defaultPolicy())).toBe(normal);
  });

  test('above normal: blocked, naming the list and why, the advice first', () => {
    const blocked = blockForUnknownMembership(plan('confidential'), unknown, defaultPolicy());
    expect(blocked.action).toBe('block');
    expect(blocked.blocked).toEqual(['team@example.org']);
    expect(blocked.summary).toBe(
      'Expand the list or choose the recipients, then send again: Sendguard could not see who is on Team <team@example.org> (Microsoft 365 refused to list its members), and a message classified Confidential (personal data) goes only to recipients it has checked.',
    );
  });

  test('a first classification that requires protection allows no unknown list either', () => {
    const policy = defaultPolicy();
    policy.classifications[0]!.requirement = 'transport';
    expect(blockForUnknownMembership(plan('normal'), unknown, policy).action).toBe('block');
  });
});
