/**
 * Thunderbird's side of the sender's own links, against the fake messenger: the link kept in local storage, the
 * copy of the notice imported (not sent) into the Inbox of the account the message goes from, as a well-formed
 * RFC 5322 message whose parts decode to the copy, and the kept link opened in the system browser.
 */
import '../helpers/jsdom-beside-node';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import type { SentClient } from '../../src/addin/sent/sent-client';
import type { MailHost } from '../../src/addin/host';
import { SentSecurelyEntry } from '../../src/addin/ui/SentSecurelyEntry';
import type { SentByPickup } from '../../src/addin/sent/own-copy';
import { keepSenderLink, makeOwnCopy } from '../../src/addin/sent/keep-own-link';
import { createComposeHost } from '../../src/thunderbird/compose-host';
import { ownCopyMessage } from '../../src/thunderbird/own-copy-message';
import { leaves, parseMime } from '../helpers/mime-parts';
import { fakeMessenger } from './fake-messenger';

/** What applying secure pickup does with the sender's link once the service stored the message. */
const keepOwnLink = async (host: MailHost, sent: SentByPickup) =>
  makeOwnCopy(host, sent, await keepSenderLink(host, sent));

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SENT = {
  id: ID,
  senderUrl: `https://sendguard.example.org/pickup/#s1.${ID}.${'R'.repeat(43)}`,
  expiresAt: '2036-12-14T05:20:00.000Z',
  recipients: ['bob@partner.test'],
  sentAt: new Date('2026-12-07T05:20:00Z'),
  subject: 'Befund für Frau Müller — a subject long enough to need more than one encoded word',
};

/** The header block, the decoded subject and parts, and the lines of a message (this builder's, CRLF lines). */
function parse(raw: string) {
  const message = parseMime(raw);
  const subject = message.headers
    .get('subject')!
    .split(' ')
    .map((word) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(word)![1]!, 'base64').toString('utf8'))
    .join('');
  const parts = leaves(message).map((part) => ({ type: part.type, text: part.content.toString('utf8') }));
  return { head: raw.slice(0, raw.indexOf('\r\n\r\n')), parts, subject, lines: raw.split('\r\n') };
}

test('the copy is imported into the sending account’s Inbox, with the sender link, and the link is kept', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ identityId: 'id1', from: 'Sam Sender <sam@example.gov>' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await keepOwnLink(host, SENT);

  expect(tb.imported.map((i) => i.folderId)).toEqual(['account1://INBOX']);
  const message = parse(await tb.imported[0]!.file.text());
  expect(message.head).toMatch(/^From: <sam@example\.gov>$/m);
  expect(message.head).toMatch(/^To: <sam@example\.gov>$/m);
  expect(message.subject).toContain(SENT.subject);
  expect(message.parts.map((p) => p.type)).toEqual(['text/plain', 'text/html']);
  expect(message.parts[0]!.text).toContain(SENT.senderUrl);
  expect(message.parts[0]!.text).toContain('bob@partner.test');
  expect(message.parts[1]!.text).toContain(`href="${SENT.senderUrl}"`);
  // RFC 5322 §2.1.1: no line longer than 78 characters.
  expect(Math.max(...message.lines.map((l) => l.length))).toBeLessThanOrEqual(78);
  expect(tb.composeTabs.size).toBe(1);

  expect(await host.senderLinks!.list()).toEqual([
    { id: ID, url: SENT.senderUrl, expiresAt: SENT.expiresAt, ownCopy: true },
  ]);
  await host.openInBrowser!(SENT.senderUrl);
  expect(tb.browsed).toEqual([SENT.senderUrl]);
});

test('where the account is unknown the import fails, the sender is told, and the link is still kept', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ identityId: 'gone', from: 'sam@example.gov' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await keepOwnLink(host, SENT);
  expect(tb.imported).toEqual([]);
  expect(tb.notifications.map((n) => n.message).join(' ')).toContain('could not be put in your mailbox');
  expect((await host.senderLinks!.list())[0]).toMatchObject({ id: ID, ownCopy: false });
});

test('a failed import leaves a warning in “Sent securely” and a retry that puts the copy in the Inbox', async () => {
  const tb = fakeMessenger();
  const tab = tb.openCompose({ identityId: 'gone', from: 'sam@example.gov' });
  const host = createComposeHost(tb.api, tab.id!, () => false);
  await keepOwnLink(host, SENT);
  const [link] = await host.senderLinks!.list();
  const message = {
    id: ID,
    state: 'ready' as const,
    createdAt: SENT.sentAt.toISOString(),
    expiresAt: SENT.expiresAt,
    recipients: [{ address: 'bob@partner.test', proof: 'code' as const, state: 'active' as const }],
    replies: 0,
  };
  const client = {} as SentClient;
  render(
    createElement(SentSecurelyEntry, {
      entry: { message, link: link! },
      host,
      client,
      onChanged: () => undefined,
    }),
  );
  expect(screen.getByText(/Your mailbox has no copy of your link to this message yet/)).toBeTruthy();
  // The account is found now (say Thunderbird had not finished starting): the retry imports the copy.
  tb.composeTabs.get(tab.id!)!.details.identityId = 'id1';
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: 'Put a copy in my mailbox' }));
  });
  await screen.findByText('A copy of your link is now in your Inbox.');
  expect(tb.imported.map((i) => i.folderId)).toEqual(['account1://INBOX']);
  await waitFor(async () => expect((await host.senderLinks!.list())[0]?.ownCopy).toBe(true));
});

test('every Message-ID is new, so a second copy is not taken for the first', () => {
  const copy = { address: 'sam@example.gov', subject: 's', html: '<p>x</p>', text: 'x' };
  const at = new Date();
  expect(ownCopyMessage(copy, 'one', at)).not.toBe(ownCopyMessage(copy, 'two', at));
});
