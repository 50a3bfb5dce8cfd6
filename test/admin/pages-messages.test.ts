/**
 * @jest-environment jsdom
 */
/**
 * The Secure messages page over a fake AdminApi: every sender's messages with their recipients' state, one
 * message managed — a recipient's access or the whole message revoked only after a confirmation, the expiry moved
 * to another day with its time kept and the service's refusal shown in its words, the audit log read.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { AdminApiError } from '../../src/admin/api';
import MessagesPage from '../../src/admin/pages/MessagesPage';
import type { AdminMessage } from '../../src/admin/pages/messages-wire';
import { captureDownloads, fakeAdminApi, jsdomForFluent, type FakeAdminApi } from './pages-fake-api';

jsdomForFluent();

const ID = 'Msg_0123456789abcdefghi';
const BASE = `/admin/messages/${ID}`;

function message(): AdminMessage {
  return {
    id: ID,
    owner: 'token::sam',
    state: 'ready',
    createdAt: '2026-12-01T09:00:00.000Z',
    expiresAt: '2026-12-15T09:00:00.000Z',
    replies: 1,
    recipients: [
      {
        address: 'ana@example.org',
        proof: 'code',
        state: 'active',
        verifiedAt: '2026-12-02T10:00:00.000Z',
        openedAt: '2026-12-02T10:01:00.000Z',
      },
      { address: 'bo@example.net', proof: 'passcode', state: 'active' },
    ],
  };
}

function messagesApi(): FakeAdminApi {
  let current = message();
  return fakeAdminApi({
    'GET /admin/messages': () => ({ messages: [current] }),
    [`GET ${BASE}/audit`]: () => ({
      entries: [
        { at: '2026-12-01T09:00:00.000Z', event: 'created' },
        {
          at: '2026-12-02T10:01:00.000Z',
          event: 'viewed',
          recipient: 'ana@example.org',
          ip: '192.0.2.7',
          userAgent: 'Firefox',
        },
      ],
    }),
    [`POST ${BASE}/recipients/revoke`]: (body) => {
      const { address } = body as { address: string };
      current = {
        ...current,
        recipients: current.recipients.map((r) => (r.address === address ? { ...r, state: 'revoked' } : r)),
      };
      return undefined;
    },
    [`POST ${BASE}/revoke`]: () => {
      current = { ...current, state: 'revoked' };
      return undefined;
    },
    [`POST ${BASE}/expiry`]: (body) => {
      current = { ...current, expiresAt: (body as { expiresAt: string }).expiresAt };
      return undefined;
    },
  });
}

async function manage(api: FakeAdminApi): Promise<HTMLElement> {
  render(createElement(MessagesPage, { api }));
  fireEvent.click(await screen.findByRole('button', { name: `Manage message ${ID}` }));
  const heading = await screen.findByRole('heading', { name: `Message ${ID} from token::sam` });
  return heading.parentElement!;
}

test('lists every message with its sender, state and how far each recipient got', async () => {
  const api = messagesApi();
  render(createElement(MessagesPage, { api }));
  const table = await screen.findByRole('table', { name: 'Secure messages' });
  const row = within(table).getByText(ID).closest('tr')!;
  expect(row.textContent).toContain('token::sam');
  expect(row.textContent).toContain('ready');
  expect(row.textContent).toContain('ana@example.org (opened); bo@example.net (not opened)');
  expect(api.calls[0]).toEqual({ method: 'GET', path: '/admin/messages?limit=100' });
});

test("older messages are asked for from the page's `next`, as the service gives it; back to the newer ones", async () => {
  const api = fakeAdminApi({
    'GET /admin/messages': (_body, path) =>
      path.includes('before=')
        ? { messages: [{ ...message(), id: 'Msg_older' }] }
        : { messages: [message()], next: '1764579600000.Msg_0123456789abcdefghi' },
  });
  render(createElement(MessagesPage, { api }));
  fireEvent.click(await screen.findByRole('button', { name: 'Show older messages' }));
  await screen.findByText('Msg_older');
  expect(api.calls.map((c) => c.path)).toEqual([
    '/admin/messages?limit=100',
    '/admin/messages?limit=100&before=1764579600000.Msg_0123456789abcdefghi',
  ]);
  // The last page has no `next`: nothing older is offered.
  expect(screen.queryByRole('button', { name: 'Show older messages' })).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: 'Show newer messages' }));
  await screen.findByText(ID);
});

test('with no message yet, the page says so', async () => {
  render(
    createElement(MessagesPage, { api: fakeAdminApi({ 'GET /admin/messages': () => ({ messages: [] }) }) }),
  );
  expect(await screen.findByText('No secure messages yet.')).toBeTruthy();
});

test("managing a message shows its recipients and its audit log, each downloadable as its table's rows", async () => {
  const downloads = captureDownloads();
  const details = await manage(messagesApi());
  const recipients = within(details).getByRole('table', { name: `Recipients of message ${ID}` });
  expect(within(recipients).getByText('ana@example.org').closest('tr')!.textContent).toContain(
    '2026-12-02 10:01 UTC',
  );
  const audit = await within(details).findByRole('table', { name: `Audit log of message ${ID}` });
  expect(within(audit).getByText('viewed').closest('tr')!.textContent).toContain('192.0.2.7');
  fireEvent.click(
    within(details).getByRole('button', { name: `Download CSV of Audit log of message ${ID}` }),
  );
  expect(downloads[0]!.name).toBe(`audit-${ID}.csv`);
  expect(await downloads[0]!.text()).toBe(
    'When,Event,Recipient,Admin,IP address,Browser\r\n' +
      '2026-12-01 09:00 UTC,created,,,,\r\n' +
      '2026-12-02 10:01 UTC,viewed,ana@example.org,,192.0.2.7,Firefox\r\n',
  );
});

test('revoking one recipient asks first, then sends that address; the others keep access', async () => {
  const api = messagesApi();
  const details = await manage(api);
  fireEvent.click(within(details).getByRole('button', { name: 'Revoke access of bo@example.net' }));
  const dialog = await screen.findByRole('alertdialog', { name: 'Revoke access of bo@example.net?' });
  expect(dialog.textContent).toContain('the other recipients keep their access');
  expect(api.callsTo('POST', `${BASE}/recipients/revoke`)).toEqual([]);
  fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke access' }));
  await screen.findByText(`bo@example.net can no longer open message ${ID}.`);
  expect(api.callsTo('POST', `${BASE}/recipients/revoke`)).toEqual([
    { method: 'POST', path: `${BASE}/recipients/revoke`, body: { address: 'bo@example.net' } },
  ]);
  await waitFor(() => expect(within(details).getByText('Access revoked')).toBeTruthy());
  await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  expect(within(details).getByRole('button', { name: 'Revoke access of ana@example.org' })).toBeTruthy();
});

test('revoking the message asks first, then revokes it; its actions go', async () => {
  const api = messagesApi();
  const details = await manage(api);
  fireEvent.click(within(details).getByRole('button', { name: 'Revoke message' }));
  const dialog = await screen.findByRole('alertdialog', { name: 'Revoke this message?' });
  expect(dialog.textContent).toContain('none of its 2 recipients can open it any more');
  fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke message' }));
  await screen.findByText(`Message ${ID} was revoked: no recipient can open it any more.`);
  expect(api.callsTo('POST', `${BASE}/revoke`)).toEqual([{ method: 'POST', path: `${BASE}/revoke` }]);
  await waitFor(() => expect(within(details).queryByRole('button', { name: 'Change expiry' })).toBeNull());
  expect(within(details).getByText(/This message is revoked/)).toBeTruthy();
});

test('the expiry moves to the chosen day at the same time of day', async () => {
  const api = messagesApi();
  const details = await manage(api);
  fireEvent.change(within(details).getByLabelText(/Expires on/), { target: { value: '2026-12-20' } });
  fireEvent.click(within(details).getByRole('button', { name: 'Change expiry' }));
  await screen.findByText(`Message ${ID} now expires 2026-12-20 09:00 UTC.`);
  expect(api.callsTo('POST', `${BASE}/expiry`)).toEqual([
    { method: 'POST', path: `${BASE}/expiry`, body: { expiresAt: '2026-12-20T09:00:00.000Z' } },
  ]);
});

test("a refused expiry is shown in the service's words beside the date", async () => {
  const api = messagesApi();
  api.routes.set(`POST ${BASE}/expiry`, () => {
    throw new AdminApiError(
      400,
      'ESCROW_INVALID',
      'choose a time in the future, at most 30 days after sending; to end access now, revoke',
    );
  });
  const details = await manage(api);
  fireEvent.change(within(details).getByLabelText(/Expires on/), { target: { value: '2027-03-01' } });
  fireEvent.click(within(details).getByRole('button', { name: 'Change expiry' }));
  expect(
    await within(details).findByText(
      'The service refused 2027-03-01 09:00 UTC: choose a time in the future, at most 30 days after sending; to end access now, revoke',
    ),
  ).toBeTruthy();
});
