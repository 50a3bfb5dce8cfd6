/**
 * "Sent securely" in a jsdom document over the simulated Outlook (roaming settings, browser window, new-message
 * form) and a real escrow server: the sender's messages with who opened them, the kept link opened in the browser,
 * where the link is when none was kept, revoking after a confirmation, changing the expiry (and the service's words
 * when it refuses), and "Mail me my copy".
 */
import {
  escrowSample,
  pickupByCode,
  recordingMailer,
  startEscrowServer,
  type EscrowServer,
} from '../escrow/harness';
import '../helpers/jsdom-beside-node';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { createBackend } from '../../src/addin/backend';
import type { MailHost } from '../../src/addin/host';
import type { SentByPickup } from '../../src/addin/sent/own-copy';
import { keepSenderLink, makeOwnCopy } from '../../src/addin/sent/keep-own-link';
import { sentClient } from '../../src/addin/sent/sent-client';
import { SentSecurely } from '../../src/addin/ui/SentSecurely';
import { createOfficeHost } from '../../src/outlook/office-host';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';

/** What applying secure pickup does with the sender's link once the service stored the message. */
const keepOwnLink = async (host: MailHost, sent: SentByPickup) =>
  makeOwnCopy(host, sent, await keepSenderLink(host, sent));

const DAY = 86_400_000;
let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;

beforeEach(async () => {
  // Each test is a fresh computer: the links a pane shares with other windows (office-sender-links.ts) start empty.
  localStorage.clear();
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
});
afterEach(() => server.close());

function outlook() {
  const sim = simulateOffice({ sender: 'ann@clinic.test' });
  return { sim, host: createOfficeHost(sim.office as unknown as typeof Office) };
}

/** A message escrowed on the server, its sender link kept in the simulated mailbox as applying does. */
async function sentAndKept(host: ReturnType<typeof outlook>['host'], recipients = ['bob@partner.test']) {
  const sent = await escrowSample(server, {
    recipients: recipients.map((address) => ({ address, proof: 'code' as const })),
    expiryDays: 7,
  });
  await keepOwnLink(host, { ...sent, recipients, sentAt: new Date(), subject: 'Lab results' });
  return sent;
}

function show(host: ReturnType<typeof outlook>['host']) {
  const backend = createBackend({ baseUrl: server.url, token: server.token });
  render(createElement(SentSecurely, { host, backend }));
}

const entry = async (id: string) => within(await screen.findByTestId(`sent-${id}`));

test('lists each message with who opened it; the kept link opens in the browser, else the list says where it is', async () => {
  const { sim, host } = outlook();
  const kept = await sentAndKept(host, ['bob@partner.test', 'carol@partner.test']);
  const notKept = await escrowSample(server, {
    recipients: [{ address: 'dan@partner.test', proof: 'code' }],
  });
  const bob = await pickupByCode(server, mailer, kept, 'bob@partner.test');

  show(host);
  // The code alone is not opening it: the sender is told bob is one step short.
  expect(
    (await entry(kept.id)).getByText(
      'Not opened yet. bob@partner.test entered the mailed code, has not opened it yet. Not yet opened by carol@partner.test.',
    ),
  ).toBeTruthy();
  cleanup();
  await bob.open();
  show(host);
  const first = await entry(kept.id);
  expect(first.getByText('To bob@partner.test, carol@partner.test')).toBeTruthy();
  expect(
    first.getByText(
      /^Opened by bob@partner\.test \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\. Not yet opened by carol@partner\.test\.$/,
    ),
  ).toBeTruthy();
  expect(first.getByText('No replies.')).toBeTruthy();
  fireEvent.click(first.getByRole('button', { name: 'Open message and replies' }));
  await waitFor(() => expect(sim.state.browsed).toEqual([kept.senderUrl]));

  const second = await entry(notKept.id);
  expect(second.getByText(/If a copy of the notice was made, your link is in it/)).toBeTruthy();
  expect(second.queryByRole('button', { name: 'Open message and replies' })).toBeNull();
  expect(JSON.stringify(sim.state.roaming)).not.toContain(notKept.id);
});

test('revoking asks first; once revoked, the message is listed as such and its kept link dropped', async () => {
  const { host } = outlook();
  const sent = await sentAndKept(host);
  show(host);
  const item = await entry(sent.id);
  fireEvent.click(item.getByRole('button', { name: 'Revoke' }));
  expect(item.getByText(/can then no longer open it or reply, and this cannot be undone/)).toBeTruthy();
  fireEvent.click(item.getByRole('button', { name: 'Keep it' }));
  expect(item.queryByText(/cannot be undone/)).toBeNull();

  fireEvent.click(item.getByRole('button', { name: 'Revoke' }));
  fireEvent.click(item.getByRole('button', { name: 'Revoke' }));
  expect(await item.findByText(/revoked: nobody can open it any more\.$/)).toBeTruthy();
  expect(item.queryByRole('button', { name: 'Revoke' })).toBeNull();
  expect(await host.senderLinks!.list()).toEqual([]);
  const listed = await sentClient(
    createBackend({ baseUrl: server.url, token: server.token }),
  )!.sentMessages();
  expect(listed.find((m) => m.id === sent.id)?.state).toBe('revoked');
});

test('changing the expiry moves it on the service and the kept link with it; a refusal is said in the service’s words', async () => {
  const { host } = outlook();
  const sent = await sentAndKept(host);
  show(host);
  const item = await entry(sent.id);
  const hhmm = sent.expiresAt.slice(11, 16);
  const day = new Date(server.clock.now() + 10 * DAY).toISOString().slice(0, 10);
  fireEvent.click(item.getByRole('button', { name: 'Change expiry' }));
  fireEvent.change(item.getByLabelText(`Recipients can open it until this day, at ${hhmm} UTC`), {
    target: { value: day },
  });
  fireEvent.click(item.getByRole('button', { name: 'Save expiry' }));
  // The time of day stays: only the day moves.
  expect(
    await item.findByText(new RegExp(`recipients can open it until ${day} ${hhmm} UTC\\.$`)),
  ).toBeTruthy();
  // Kept to the second, as the link store keeps times.
  expect((await host.senderLinks!.list())[0]?.expiresAt).toBe(`${day}${sent.expiresAt.slice(10, 19)}.000Z`);

  // The last day the service allows (90 days after sending, to the minute; sent 7 days before it expired) can be chosen.
  const lastDay = new Date(Date.parse(sent.expiresAt) + 83 * DAY).toISOString().slice(0, 10);
  fireEvent.click(item.getByRole('button', { name: 'Change expiry' }));
  fireEvent.change(item.getByLabelText(/Recipients can open it until this day/), {
    target: { value: lastDay },
  });
  fireEvent.click(item.getByRole('button', { name: 'Save expiry' }));
  expect(
    await item.findByText(new RegExp(`recipients can open it until ${lastDay} ${hhmm} UTC\\.$`)),
  ).toBeTruthy();

  const tooLate = new Date(server.clock.now() + 400 * DAY).toISOString().slice(0, 10);
  fireEvent.click(item.getByRole('button', { name: 'Change expiry' }));
  fireEvent.change(item.getByLabelText(/Recipients can open it until this day/), {
    target: { value: tooLate },
  });
  fireEvent.click(item.getByRole('button', { name: 'Save expiry' }));
  expect(await item.findByText(/^Could not change the expiry: .*choose a time in the future/)).toBeTruthy();
});

test('“Mail me my copy” opens a new message to the sender with their link; the warning stays until they say they sent it', async () => {
  const { sim, host } = outlook();
  const sent = await sentAndKept(host);
  show(host);
  const item = await entry(sent.id);
  expect(item.getByText(/Your mailbox has no copy of your link to this message yet/)).toBeTruthy();
  await act(async () => {
    fireEvent.click(item.getByRole('button', { name: 'Mail me my copy' }));
  });
  expect(
    await item.findByText(
      /A new message to ann@clinic\.test is open with your link in it\. It is not in your mailbox until you send it/,
    ),
  ).toBeTruthy();
  expect(sim.state.opened).toEqual([
    expect.objectContaining({
      toRecipients: ['ann@clinic.test'],
      htmlBody: expect.stringContaining(sent.senderUrl),
    }),
  ]);
  // Opened is not sent: the link does not count as copied yet.
  expect((await host.senderLinks!.list())[0]?.ownCopy).toBe(false);
  await act(async () => {
    fireEvent.click(item.getByRole('button', { name: 'I sent it' }));
  });
  await waitFor(async () => expect((await host.senderLinks!.list())[0]?.ownCopy).toBe(true));
  await waitFor(() =>
    expect(item.queryByText(/Your mailbox has no copy of your link to this message yet/)).toBeNull(),
  );
  expect(item.getByRole('button', { name: 'Mail me my copy' })).toBeTruthy();
});

test('a service without secure pickup shows no list', async () => {
  const { host } = outlook();
  const backend = createBackend({
    baseUrl: server.url,
    token: server.token,
    fetch: async () => new Response('{}', { status: 404 }),
  });
  const { container } = render(createElement(SentSecurely, { host, backend }));
  await waitFor(() => expect(container.textContent).toBe(''));
});

test('where the host cannot open the system browser, the kept link is a plain link to a new tab', async () => {
  const { host: office } = outlook();
  const sent = await sentAndKept(office);
  const { openInBrowser: _none, ...host } = office;
  show(host);
  const link = (await entry(sent.id)).getByRole('link', { name: 'Open message and replies' });
  expect(link.getAttribute('href')).toBe(sent.senderUrl);
  expect(link.getAttribute('target')).toBe('_blank');
  expect(link.getAttribute('rel')).toBe('noopener noreferrer');
});
