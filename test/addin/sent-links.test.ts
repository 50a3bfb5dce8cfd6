/**
 * The sender's own links: kept through the host (Outlook's roaming settings on the simulated Office, which refuses
 * a save over 32 KB as Outlook does), pruned when they expire or the setting is full, and the sender's copy of the
 * notice where the host cannot keep the link; and the backend client's calls for the sender's secure messages
 * (list, revoke, change expiry) against a real escrow server.
 */
import { createBackend } from '../../src/addin/backend';
import type { MailHost, NewMessage, OwnCopy, SenderLink } from '../../src/addin/host';
import type { SentByPickup } from '../../src/addin/sent/own-copy';
import { keepSenderLink, makeOwnCopy } from '../../src/addin/sent/keep-own-link';
import { sentClient } from '../../src/addin/sent/sent-client';
import { senderLinkStore, type SettingSlot } from '../../src/addin/sent/link-store';
import { createOfficeHost } from '../../src/outlook/office-host';
import { ROAMING_LIMIT, simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { EVERYTHING } from '../helpers/carries';
import { ManualClock } from '../helpers/clock';
import { escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from '../escrow/harness';

/** What applying secure pickup does with the sender's link once the service stored the message. */
const keepOwnLink = async (host: MailHost, sent: SentByPickup) =>
  makeOwnCopy(host, sent, await keepSenderLink(host, sent));

const DAY = 86_400_000;
const id = (n: number) => `msg${String(n).padStart(19, '0')}`;
const link = (n: number, expiresAt: string): SenderLink => ({
  id: id(n),
  url: `https://sendguard.example.org/pickup/#s1.${id(n)}.${'S'.repeat(43)}`,
  expiresAt,
  ownCopy: false,
});

function memorySlot(): SettingSlot & { value: unknown } {
  const slot = {
    value: undefined as unknown,
    read: async () => slot.value,
    write: async (value: unknown) => {
      slot.value = JSON.parse(JSON.stringify(value));
    },
  };
  return slot;
}

function officeHost() {
  const sim = simulateOffice({ sender: 'ann@clinic.test' });
  return { sim, host: createOfficeHost(sim.office as unknown as typeof Office) };
}

describe('the kept links', () => {
  test('a kept link is listed until its message expires, then dropped at the next write', async () => {
    const clock = new ManualClock(Date.parse('2026-12-07T00:00:00Z'));
    const slot = memorySlot();
    const store = senderLinkStore(slot, { budget: 10_000, clock });
    await store.keep(link(1, '2026-12-08T00:00:00.000Z'));
    await store.keep({ ...link(2, '2026-12-20T00:00:00.000Z'), ownCopy: true });
    expect(await store.list()).toEqual(
      expect.arrayContaining([
        link(1, '2026-12-08T00:00:00.000Z'),
        { ...link(2, '2026-12-20T00:00:00.000Z'), ownCopy: true },
      ]),
    );
    clock.advance(2 * DAY);
    expect((await store.list()).map((l) => l.id)).toEqual([id(2)]);
    await store.keep(link(3, '2026-12-30T00:00:00.000Z'));
    expect(Object.keys(slot.value as object).sort()).toEqual([id(2), id(3)]);
    await store.forget([id(2)]);
    expect((await store.list()).map((l) => l.id)).toEqual([id(3)]);
  });

  test('a damaged or foreign setting reads as no links, and is replaced on the next write', async () => {
    const slot = memorySlot();
    slot.value = { [id(1)]: 'not an entry', [id(2)]: [42, 'x'] };
    const store = senderLinkStore(slot, { budget: 10_000 });
    expect(await store.list()).toEqual([]);
    slot.value = ['a list'];
    await store.keep(link(3, new Date(Date.now() + DAY).toISOString()));
    expect(Object.keys(slot.value as object)).toEqual([id(3)]);
  });

  test('Outlook: the links stay within the roaming settings’ 32 KB, dropping copied links that expire soonest', async () => {
    const { sim, host } = officeHost();
    const now = Date.now();
    // Far more links than fit, each with its copy in the mailbox: each expires a day later than the one before.
    for (let n = 1; n <= 400; n++)
      await host.senderLinks!.keep({ ...link(n, new Date(now + n * DAY).toISOString()), ownCopy: true });
    expect(JSON.stringify(sim.state.roaming).length).toBeLessThanOrEqual(ROAMING_LIMIT);
    const kept = (await host.senderLinks!.list()).map((l) => l.id);
    expect(kept.length).toBeGreaterThan(150);
    expect(kept.length).toBeLessThan(400);
    expect(kept).toContain(id(400));
    expect(kept).not.toContain(id(1));
    // What survives is the latest to expire: a contiguous run ending with the newest.
    const numbers = kept.map((k) => Number(k.slice(3))).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => 400 - numbers.length + 1 + i));
  });

  test('a link without a copy is never dropped to make room: copied ones go first, then keeping fails', async () => {
    const slot = memorySlot();
    const store = senderLinkStore(slot, { budget: 600 });
    const later = (n: number) => new Date(Date.now() + n * DAY).toISOString();
    await store.keep({ ...link(1, later(1)), ownCopy: true });
    await store.keep(link(2, later(2)));
    await store.keep(link(3, later(3)));
    // Four links are over the budget: the copied one goes, those without a copy stay.
    await store.keep(link(4, later(4)));
    expect((await store.list()).map((l) => l.id).sort()).toEqual([id(2), id(3), id(4)]);
    await expect(store.keep(link(5, later(5)))).rejects.toMatchObject({ code: 'LINKS_FULL' });
    expect((await store.list()).map((l) => l.id).sort()).toEqual([id(2), id(3), id(4)]);
  });

  test('Outlook: two compose windows each keep a link; the last to save keeps both', async () => {
    // The page's local storage, shared by the windows' panes on one computer, as a browser's is.
    const items = new Map<string, string>();
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
    };
    Object.assign(globalThis, { localStorage: storage });
    try {
      const first = simulateOffice({ sender: 'ann@clinic.test' });
      // Both panes load the roaming settings before either saves: each holds its own snapshot.
      const second = simulateOffice({ sender: 'ann@clinic.test', state: first.state });
      const one = createOfficeHost(first.office as unknown as typeof Office);
      const two = createOfficeHost(second.office as unknown as typeof Office);
      await one.senderLinks!.keep(link(1, new Date(Date.now() + DAY).toISOString()));
      await two.senderLinks!.keep(link(2, new Date(Date.now() + DAY).toISOString()));
      expect(Object.keys(first.state.roaming.senderLinks as object).sort()).toEqual([id(1), id(2)]);
    } finally {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    }
  });

  test('Outlook: a kept link is saved in the roaming settings; the browser window opens it', async () => {
    const { sim, host } = officeHost();
    const kept = link(7, new Date(Date.now() + DAY).toISOString());
    await host.senderLinks!.keep(kept);
    expect(JSON.stringify(sim.state.roaming)).toContain(kept.url);
    await host.openInBrowser!(kept.url);
    expect(sim.state.browsed).toEqual([kept.url]);
  });
});

describe('keepOwnLink after secure pickup is applied', () => {
  const sent = {
    id: id(9),
    senderUrl: `https://sendguard.example.org/pickup/#s1.${id(9)}.${'R'.repeat(43)}`,
    // Whole seconds, as the service answers and the kept link stores.
    expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 + 7 * DAY).toISOString(),
    recipients: ['bob@partner.test'],
    sentAt: new Date('2026-12-07T05:20:00Z'),
    subject: 'Lab results',
  };

  test('Outlook: the link is kept in the mailbox’s roaming settings, and no mail is sent unasked', async () => {
    const { sim, host } = officeHost();
    await keepOwnLink(host, sent);
    expect(await host.senderLinks!.list()).toEqual([
      { id: sent.id, url: sent.senderUrl, expiresAt: sent.expiresAt, ownCopy: false },
    ]);
    expect(sim.state.opened).toEqual([]);
  });

  test('a host that puts mail in the sender’s mailbox gets the copy, with the sender link, from and to them', async () => {
    const copies: OwnCopy[] = [];
    const { host: office } = officeHost();
    const host: MailHost = { ...office, putInOwnMailbox: async (copy) => void copies.push(copy) };
    await keepOwnLink(host, sent);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({
      address: 'ann@clinic.test',
      subject: expect.stringContaining('Lab results'),
    });
    expect(copies[0]!.text).toContain(sent.senderUrl);
    expect(copies[0]!.text).toContain('bob@partner.test');
    expect(copies[0]!.html).toContain(`href="${sent.senderUrl}"`);
    expect((await host.senderLinks!.list())[0]).toMatchObject({ id: sent.id, ownCopy: true });
  });

  test('where the link can be kept nowhere, the copy opens as a new message to the sender at once', async () => {
    const opened: NewMessage[] = [];
    const { host: office } = officeHost();
    const failing: MailHost = {
      ...office,
      senderLinks: {
        keep: async () => {
          throw new Error('The roaming settings exceed 32 KB.');
        },
        list: async () => [],
        forget: async () => undefined,
      },
      newMessages: {
        carries: EVERYTHING,
        open: async (message) => {
          opened.push(message);
          return {};
        },
      },
    };
    await keepOwnLink(failing, sent);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.to).toEqual(['ann@clinic.test']);
    expect(opened[0]!.html).toContain(sent.senderUrl);
  });
});

describe('the backend client: the sender’s secure messages', () => {
  let server: EscrowServer;
  beforeAll(async () => {
    server = await startEscrowServer({ mailer: recordingMailer() });
  });
  afterAll(() => server.close());

  const client = (token: string) => sentClient(createBackend({ baseUrl: server.url, token }))!;

  test('lists the caller’s messages, never another sender’s', async () => {
    const sent = await escrowSample(server);
    const mine = await client(server.token).sentMessages!();
    const listed = mine.find((m) => m.id === sent.id);
    expect(listed).toMatchObject({ state: 'ready', replies: 0, expiresAt: sent.expiresAt });
    expect(listed!.recipients).toEqual([
      expect.objectContaining({ address: 'bob@partner.test', state: 'active' }),
    ]);
    const theirs = await client(server.otherToken).sentMessages!();
    expect(theirs.map((m) => m.id)).not.toContain(sent.id);
  });

  test('revokes a message: it is listed as revoked', async () => {
    const sent = await escrowSample(server);
    await client(server.token).revokeMessage!(sent.id);
    const listed = (await client(server.token).sentMessages!()).find((m) => m.id === sent.id);
    expect(listed?.state).toBe('revoked');
  });

  test('another sender cannot revoke it', async () => {
    const sent = await escrowSample(server);
    await expect(client(server.otherToken).revokeMessage!(sent.id)).rejects.toMatchObject({
      code: 'BACKEND_REFUSED',
    });
    const listed = (await client(server.token).sentMessages!()).find((m) => m.id === sent.id);
    expect(listed?.state).toBe('ready');
  });

  test('changes the expiry; a time past the longest stay is refused in the service’s words', async () => {
    const sent = await escrowSample(server, { expiryDays: 2 });
    const later = new Date(server.clock.now() + 5 * DAY);
    await client(server.token).changeExpiry!(sent.id, later);
    const listed = (await client(server.token).sentMessages!()).find((m) => m.id === sent.id);
    expect(listed?.expiresAt).toBe(later.toISOString());
    const error = await client(server.token).changeExpiry!(
      sent.id,
      new Date(server.clock.now() + 400 * DAY),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BACKEND_REFUSED' });
    expect((error as Error).message).toContain('choose a time in the future');
  });
});
