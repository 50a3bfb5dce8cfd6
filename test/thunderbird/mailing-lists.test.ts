/**
 * Thunderbird's address-book mailing lists at send time (compose.onBeforeSend over the fake `messenger`): a list is
 * what Thunderbird will expand — `name <description>` or `name <name>` — and the check expands it the same way from
 * the address books, so a list that shows an internal-looking address cannot carry a message to an outside member
 * unchecked. Nested lists, a cycle, a contact without an address, address books that cannot be read; the pane's
 * host reads the same members; and the vCard reading of each member.
 */
import { loadMessage } from '../../src/addin/state';
import { beforeSend } from '../../src/thunderbird/before-send';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { saveSettings } from '../../src/thunderbird/settings';
import { readContactCard } from '../../src/thunderbird/vcard-email';
import { createBackend } from '../../src/addin/backend';
import { ManualClock } from '../helpers/clock';
import { fakeBackendFetch } from './fake-backend';
import { fakeMessenger, type FakeMessenger } from './fake-messenger';

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const OK = 'tls-valid.sendguard.test';
const TRANSPORT = { [OK]: 'encrypted', 'plain.sendguard.test': 'none' };

const card = (fn: string, email?: string) => ({
  id: `c-${fn}`,
  vCard: `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${fn}\r\n${email ? `EMAIL;PREF=1:${email}\r\n` : ''}END:VCARD\r\n`,
});

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

async function setUp() {
  const tb = fakeMessenger();
  const fetch = fakeBackendFetch({ transport: TRANSPORT });
  await saveSettings(tb.storage, { backendUrl: 'https://sendguard.example', token: 'sg_test' });
  tb.events.onBeforeSend.addListener((tab, details) =>
    beforeSend({ api: tb.api, fetch, clock: new ManualClock() }, tab, details),
  );
  return { tb, fetch };
}

function books(tb: FakeMessenger) {
  tb.addressBooks.push({
    id: 'ab-personal',
    name: 'Personal Address Book',
    lists: [
      {
        // Described with an internal-looking address: the composer shows “Team <team@…>”.
        id: 'l-team',
        name: 'Team',
        description: `team@${OK}`,
        members: [card('Ann', `ann@${OK}`), card('Bob', 'bob@plain.sendguard.test')],
      },
      { id: 'l-friends', name: 'Friends', members: [card('Ann', `ann@${OK}`), card('Cy', `cy@${OK}`)] },
      { id: 'l-all', name: 'All', members: [card('Friends', 'Friends'), card('Dee', `dee@${OK}`)] },
      { id: 'l-a', name: 'A', members: [card('B', 'B'), card('Ann', `ann@${OK}`)] },
      { id: 'l-b', name: 'B', members: [card('A', 'A'), card('Bob', 'bob@plain.sendguard.test')] },
      { id: 'l-nameless', name: 'Board', members: [card('Someone')] },
    ],
  });
}

const assessed = (fetch: ReturnType<typeof fakeBackendFetch>) =>
  fetch.assessBodies.map((b) => (b as { recipients: string[] }).recipients.slice().sort());

describe('mailing lists on send', () => {
  test('a list behind an internal-looking address is expanded: its outside member stops the message, named with the list', async () => {
    const { tb, fetch } = await setUp();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: [`Team <team@${OK}>`], body: IBAN }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toContain(`bob@plain.sendguard.test (via team@${OK})`);
    expect(assessed(fetch)).toEqual([[`ann@${OK}`, 'bob@plain.sendguard.test']]);
  });

  test('`name <name>` (a list without description) and a nested list: all members checked, tagged and sent', async () => {
    const { tb, fetch } = await setUp();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: ['All <All>'], body: IBAN }).id!;
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent', details: { subject: '#secure# Report' } });
    expect(assessed(fetch)).toEqual([[`ann@${OK}`, `cy@${OK}`, `dee@${OK}`]]);
  });

  test('a cycle of lists ends: each member once, the outside one stops the message', async () => {
    const { tb, fetch } = await setUp();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: ['A <A>'], body: IBAN }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(assessed(fetch)).toEqual([[`ann@${OK}`, 'bob@plain.sendguard.test']]);
  });

  test('a list with a contact that has no address: unknown membership, blocked above normal, naming the list', async () => {
    const { tb } = await setUp();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: ['Board <Board>'], body: IBAN }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toContain(
      'Expand the list or choose the recipients, then send again: Sendguard could not see who is on Board <Board> (“Someone” has no email address)',
    );
  });

  test('a recipient that only looks like a list (another display name) is a person', async () => {
    const { tb, fetch } = await setUp();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: [`Teams <team@${OK}>`], body: IBAN }).id!;
    expect(await tb.send(tabId)).toMatchObject({ kind: 'sent' });
    expect(assessed(fetch)).toEqual([[`team@${OK}`]]);
  });

  test('address books that cannot be read: the message is stopped, saying why', async () => {
    const { tb } = await setUp();
    tb.api.addressBooks.list = () => Promise.reject(new Error('address book locked'));
    const tabId = tb.openCompose({ subject: 'Report', to: [`ann@${OK}`], body: 'Lunch?' }).id!;
    expect(await tb.send(tabId)).toEqual({ kind: 'cancelled' });
    expect(tb.notifications[0]!.message).toContain('could not check this message (address book locked)');
  });

  test('the pane reads the same members through the compose host', async () => {
    const tb = fakeMessenger();
    books(tb);
    const tabId = tb.openCompose({ subject: 'Report', to: [`Team <team@${OK}>`], body: IBAN }).id!;
    const host = createComposeHost(tb.api, tabId, () => false);
    const backend = createBackend({
      baseUrl: 'https://sendguard.example',
      token: 'sg_test',
      fetch: fakeBackendFetch({ transport: TRANSPORT }),
    });
    const loaded = await loadMessage({ host, backend }, {});
    expect(loaded.recipients.to.map((r) => [r.address, r.via])).toEqual([
      [`ann@${OK}`, `team@${OK}`],
      ['bob@plain.sendguard.test', `team@${OK}`],
    ]);
  });
});

describe('a contact’s vCard (RFC 6350)', () => {
  test('§5.3: the most preferred EMAIL; vCard 3’s TYPE=pref; the first of equals', () => {
    expect(
      readContactCard('BEGIN:VCARD\r\nFN:Ann\r\nEMAIL:a2@x.example\r\nEMAIL;PREF=1:a1@x.example\r\nEND:VCARD')
        .email,
    ).toBe('a1@x.example');
    expect(
      readContactCard(
        'BEGIN:VCARD\nEMAIL;TYPE=INTERNET:b@x.example\nEMAIL;TYPE=INTERNET,pref:a@x.example\nEND:VCARD',
      ).email,
    ).toBe('a@x.example');
    expect(readContactCard('EMAIL:first@x.example\nEMAIL:second@x.example').email).toBe('first@x.example');
  });

  test('§3.2 folded lines, §3.3 groups, a colon inside a quoted parameter, §3.4 escapes', () => {
    const card =
      'BEGIN:VCARD\r\nFN:Ann\\, Head of\r\n  Unit\r\nitem1.EMAIL;X-LABEL="a:b":ann@\r\n x.example\r\nEND:VCARD\r\n';
    expect(readContactCard(card)).toEqual({ displayName: 'Ann, Head of Unit', email: 'ann@x.example' });
  });

  test('no EMAIL: none; past the cap: refused', () => {
    expect(readContactCard('BEGIN:VCARD\nFN:Nobody\nEND:VCARD')).toEqual({ displayName: 'Nobody' });
    expect(() => readContactCard('x'.repeat(1_000_001))).toThrow('too large');
  });
});
