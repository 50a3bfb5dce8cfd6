/**
 * Distribution lists in Outlook: the recipient Outlook marks `distributionList` is expanded through Microsoft Graph
 * (a fake Graph on loopback, speaking Graph's JSON: groups by mail, members page by page with next links) and each
 * member planned; a list Graph refuses or is silent about is unknown membership, which the send handler blocks
 * above normal, naming the list. Run through the send handler from source over the simulated Office.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import { ListLookupError } from '../../src/addin/lists/directory';
import { graphListDirectory } from '../../src/outlook/graph/graph-lists';
import { graphToken, GRAPH_LIST_SCOPES } from '../../src/outlook/graph/graph-token';
import { SignInError } from '../../src/outlook/auth/sign-in-error';
import { sendHandler, type CompletedOptions } from '../../src/outlook/launchevent';
import { createOfficeHost } from '../../src/outlook/office-host';
import { simulateOffice, type SimRecipient } from '../../src/outlook/tryit/simulated-office';
import type { TransportVerdict } from '../../src/core/vocabulary';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const TOKEN = 'graph-token-for-ann';

const user = (mail: string, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.user',
  id: `u-${mail}`,
  mail,
  displayName: mail.split('@')[0],
  userType: 'Member',
  ...extra,
});
const contact = (mail: string) => ({ '@odata.type': '#microsoft.graph.orgContact', id: `c-${mail}`, mail });
const group = (id: string, mail: string) => ({ '@odata.type': '#microsoft.graph.group', id, mail });

/** A group's other addresses, for the lookup by proxyAddresses. */
const ALIASES: Record<string, string> = { 'the-team@example.gov': 'g-team' };

/** Group ids by mail, and each group's members in pages. */
const GROUPS: Record<string, string> = {
  'team@example.gov': 'g-team',
  'all@example.gov': 'g-all',
  'sub@example.gov': 'g-sub',
  'a@example.gov': 'g-a',
  'b@example.gov': 'g-b',
  'secret@example.gov': 'g-secret',
  'slow@example.gov': 'g-slow',
  'astray@example.gov': 'g-astray',
  'hidden@example.gov': 'g-hidden',
};

function fakeGraph() {
  const seen: Array<{ url: string; authorization: string | undefined }> = [];
  let base = '';
  const members: Record<string, Array<{ value: unknown[]; next?: string }>> = {
    // An internal-looking list with an outside contact behind it.
    'g-team': [{ value: [user('ann@example.gov'), contact('bob@plain.sendguard.test')] }],
    'g-all': [{ value: [group('g-sub', 'sub@example.gov'), user('cy@example.gov')] }],
    'g-sub': [
      { value: [user('dee@example.gov')], next: '/v1.0/groups/g-sub/members?$skiptoken=2' },
      {
        value: [
          user('eve@partner.sendguard.test', { userType: 'Guest' }),
          { '@odata.type': '#microsoft.graph.device', id: 'd1' },
        ],
      },
    ],
    'g-a': [{ value: [group('g-b', 'b@example.gov'), user('ann@example.gov')] }],
    'g-b': [{ value: [group('g-a', 'a@example.gov'), contact('bob@plain.sendguard.test')] }],
    'g-astray': [{ value: [user('ann@example.gov')], next: 'https://elsewhere.example/steal' }],
    'g-hidden': [
      { value: [{ '@odata.type': '#microsoft.graph.orgContact', id: 'c1', displayName: 'Partner' }] },
    ],
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`)
      return json(401, { error: { code: 'InvalidAuthenticationToken' } });
    if (url.pathname === '/v1.0/groups') {
      // By primary address, or by any of a group's addresses (Graph's proxyAddresses, `smtp:` for an alias).
      const filter = url.searchParams.get('$filter') ?? '';
      const mail = /^mail eq '(.*)'$/.exec(filter)?.[1]?.replace(/''/g, "'");
      const alias = /^proxyAddresses\/any\(p:p eq 'smtp:(.*)'\)$/.exec(filter)?.[1]?.replace(/''/g, "'");
      const id = mail ? GROUPS[mail.toLowerCase()] : alias ? ALIASES[alias.toLowerCase()] : undefined;
      return json(200, { value: id ? [{ id }] : [] });
    }
    const id = /^\/v1\.0\/groups\/([^/]+)\/members$/.exec(url.pathname)?.[1];
    if (id === 'g-secret') return json(403, { error: { code: 'Authorization_RequestDenied' } });
    if (id === 'g-slow') return; // never answers
    const pages = id ? members[id] : undefined;
    if (!pages) return json(404, { error: { code: 'Request_ResourceNotFound' } });
    const page = pages[Number(url.searchParams.get('$skiptoken') ?? '1') - 1]!;
    const next = page.next?.startsWith('/') ? `${base}${page.next}` : page.next;
    return json(200, { value: page.value, ...(next ? { '@odata.nextLink': next } : {}) });
  };
  const server: Server = createServer(handle);
  return {
    seen,
    server,
    async start() {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    },
  };
}

const graph = fakeGraph();
let baseUrl = '';
beforeAll(async () => {
  baseUrl = await graph.start();
});
afterAll(() => {
  graph.server.closeAllConnections();
  graph.server.close();
});

const directory = (requestMs = 1500) => graphListDirectory({ baseUrl, token: async () => TOKEN, requestMs });

/** The service: example.gov is internal; partner and plain domains as the verdicts say. */
const VERDICTS: Record<string, TransportVerdict> = {
  'example.gov': 'authenticated',
  'dane-ee.sendguard.test': 'authenticated',
  'partner.sendguard.test': 'authenticated',
  'plain.sendguard.test': 'none',
};
const assessed: string[][] = [];
function backend(): Backend {
  return {
    policy: async () => ({ version: 'v1', policy: defaultPolicy() }),
    assess: async (addresses: string[]): Promise<AssessAnswer> => {
      assessed.push(addresses);
      return {
        policyVersion: 'v1',
        partial: false,
        recipients: addresses.map((a) => {
          const domain = a.slice(a.indexOf('@') + 1);
          return { ...assessedRecipient(a, VERDICTS[domain] ?? 'none'), internal: domain === 'example.gov' };
        }),
        invalid: [],
      };
    },
    acceptKey: () => Promise.reject(new Error('the send handler accepts no key')),
  };
}

async function send(
  to: SimRecipient[],
  text: string,
  lists = directory(),
): Promise<CompletedOptions | undefined> {
  const sim = simulateOffice();
  sim.state.to = to;
  sim.state.subject = 'Report';
  sim.state.text = text;
  const completions: Array<CompletedOptions | undefined> = [];
  await sendHandler({
    host: () => createOfficeHost(sim.office as unknown as typeof Office, { lists }),
    backend,
    deadlineMs: 6000,
  })({ completed: (options) => completions.push(options) });
  expect(completions).toHaveLength(1);
  return completions[0];
}

const dl = (address: string, displayName = address.split('@')[0]!): SimRecipient => ({
  emailAddress: address,
  displayName,
  recipientType: 'distributionList',
});

let warn: jest.SpyInstance;
beforeEach(() => {
  assessed.length = 0;
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

describe('Microsoft Graph list directory', () => {
  test('members of a list by its address, with the sender’s token, outside contacts marked external', async () => {
    expect(await directory().members({ address: 'Team@example.gov', kind: 'list' })).toEqual([
      { address: 'ann@example.gov', displayName: 'ann', kind: 'user' },
      { address: 'bob@plain.sendguard.test', kind: 'external' },
    ]);
    expect(graph.seen.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('a list addressed by one of its aliases is found by its addresses', async () => {
    expect(await directory().members({ address: 'the-team@example.gov', kind: 'list' })).toHaveLength(2);
  });

  test('pages are followed; a nested group is a list, a guest external, a device left out', async () => {
    const dir = directory();
    expect(await dir.members({ address: 'all@example.gov', kind: 'list' })).toEqual([
      { address: 'sub@example.gov', kind: 'list' },
      { address: 'cy@example.gov', displayName: 'cy', kind: 'user' },
    ]);
    graph.seen.length = 0;
    expect(await dir.members({ address: 'sub@example.gov', kind: 'list' })).toEqual([
      { address: 'dee@example.gov', displayName: 'dee', kind: 'user' },
      { address: 'eve@partner.sendguard.test', displayName: 'eve', kind: 'external' },
    ]);
    // The nested group was asked by the id its parent gave, not looked up by address again.
    expect(graph.seen.map((r) => r.url.split('?')[0])).toEqual([
      '/v1.0/groups/g-sub/members',
      '/v1.0/groups/g-sub/members',
    ]);
  });

  test.each([
    ['secret@example.gov', 'LIST_REFUSED', 'HTTP 403'],
    ['nobody@example.gov', 'LIST_NOT_FOUND', 'no group with this address'],
    ['slow@example.gov', 'LIST_TIMEOUT', 'did not answer within 300 ms'],
    ['astray@example.gov', 'LIST_UNREADABLE', 'pointed elsewhere'],
    ['hidden@example.gov', 'LIST_UNREADABLE', 'did not give the address of “Partner” on it'],
  ])('%s: %s', async (address, code, words) => {
    // Every URL the directory fetches, its token with it; off loopback nothing is really asked.
    const fetched: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const url = String(input);
      fetched.push(url);
      return url.startsWith(`${baseUrl}/`)
        ? fetch(input, init)
        : Promise.reject(new TypeError('fetch failed'));
    };
    const failure = graphListDirectory({
      baseUrl,
      token: async () => TOKEN,
      requestMs: 300,
      fetch: recordingFetch,
    }).members({ address, kind: 'list' });
    await expect(failure).rejects.toBeInstanceOf(ListLookupError);
    // The token goes to Graph only: astray's next link elsewhere is never fetched.
    expect(fetched.length).toBeGreaterThan(0);
    expect(fetched.filter((url) => !url.startsWith(`${baseUrl}/`))).toEqual([]);
    await expect(failure).rejects.toMatchObject({ code, message: expect.stringContaining(words) });
  });
});

describe('the Graph token', () => {
  const entra = {
    clientId: 'c1',
    authority: 'https://login.microsoftonline.com/t1',
    scopes: ['api://x/access_as_user'],
  };
  const office = (naaSupported: boolean) => ({
    context: { requirements: { isSetSupported: (name: string) => naaSupported && name === 'NestedAppAuth' } },
  });

  test('asked silently through nested app authentication with the read-only group scopes', async () => {
    const asked: string[][] = [];
    const token = graphToken({
      office: office(true),
      settings: async () => ({ entra }),
      naa: {
        silent: async (e) => {
          asked.push(e.scopes);
          return 'tok';
        },
        interactive: () => Promise.reject(new Error('never prompts')),
      },
    });
    expect(await token()).toBe('tok');
    expect(asked).toEqual([GRAPH_LIST_SCOPES]);
  });

  test('no nested app authentication, no Entra sign-in, consent missing: each its own reason', async () => {
    const naa = {
      silent: () => Promise.reject(new SignInError('SIGN_IN_CONSENT_MISSING')),
      interactive: () => Promise.reject(new Error('never prompts')),
    };
    await expect(
      graphToken({ office: office(false), settings: async () => ({ entra }), naa })(),
    ).rejects.toMatchObject({
      code: 'LIST_UNAVAILABLE',
      message: 'this Outlook cannot sign Sendguard in to Microsoft 365',
    });
    await expect(
      graphToken({ office: office(true), settings: async () => ({ entra: null }), naa })(),
    ).rejects.toMatchObject({
      code: 'LIST_UNAVAILABLE',
    });
    await expect(
      graphToken({ office: office(true), settings: async () => ({ entra }), naa })(),
    ).rejects.toMatchObject({
      code: 'LIST_REFUSED',
      message: expect.stringContaining('has not consented'),
    });
  });
});

describe('the send handler with a distribution list', () => {
  test('a list that hides an outside member behind an internal address: the member is checked, the message stopped', async () => {
    const options = await send([dl('team@example.gov', 'Team')], IBAN);
    expect(options).toMatchObject({ allowEvent: false });
    expect(options!.errorMessage).toContain('bob@plain.sendguard.test (via team@example.gov)');
    // The members were assessed, not the list's own address.
    expect(assessed).toEqual([['ann@example.gov', 'bob@plain.sendguard.test']]);
  });

  test('nested lists through pages: every member reached is checked; all good, the message is tagged and sent', async () => {
    expect(await send([dl('all@example.gov')], IBAN)).toEqual({ allowEvent: true });
    expect(assessed[0]!.sort()).toEqual(['cy@example.gov', 'dee@example.gov', 'eve@partner.sendguard.test']);
  });

  test('a cycle of lists: each member once, the outside one stops the message', async () => {
    const options = await send([dl('a@example.gov')], IBAN);
    expect(options!.errorMessage).toContain('bob@plain.sendguard.test (via a@example.gov)');
    expect(assessed[0]!.sort()).toEqual(['ann@example.gov', 'bob@plain.sendguard.test']);
  });

  test.each([
    ['secret@example.gov', 'Microsoft 365 refused to list its members (HTTP 403)'],
    ['slow@example.gov', 'did not answer within'],
  ])(
    'a list Graph refuses or is silent about (%s): blocked above normal, naming it, no send anyway',
    async (address, why) => {
      const options = await send([dl(address, 'Board')], IBAN, directory(500));
      expect(options).toMatchObject({ allowEvent: false });
      expect(options!.errorMessage).toMatch(/^Expand the list or choose the recipients, then send again: /);
      expect(options!.errorMessage).toContain(`Board <${address}> (`);
      expect(options!.errorMessage).toContain(why);
      expect(options!.sendModeOverride).toBeUndefined();
    },
  );

  test('the same unreadable list on a normal message: it goes', async () => {
    expect(await send([dl('secret@example.gov')], 'Lunch at noon?')).toEqual({ allowEvent: true });
  });

  test('no directory at all (this Outlook cannot read lists): unknown membership, blocked above normal', async () => {
    const sim = simulateOffice();
    sim.state.to = [dl('team@example.gov', 'Team')];
    sim.state.text = IBAN;
    const completions: Array<CompletedOptions | undefined> = [];
    await sendHandler({
      host: () => createOfficeHost(sim.office as unknown as typeof Office),
      backend,
      deadlineMs: 6000,
    })({
      completed: (options) => completions.push(options),
    });
    expect(completions[0]!.errorMessage).toContain(
      'Team <team@example.gov> (this mail client does not let Sendguard read who is on a list)',
    );
  });
});
