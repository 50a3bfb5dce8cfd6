/**
 * @jest-environment jsdom
 */
/**
 * The Keys page over a fake AdminApi: the keyring listed with fingerprints in groups of four, a key uploaded and one
 * removed only after its confirmation, a key pinned, and a changed key accepted or refused with its evidence shown
 * and the new key's fingerprint sent — the one shown, not the pinned one.
 */
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement } from 'react';
import { AdminApiError } from '../../src/admin/api';
import KeysPage from '../../src/admin/pages/KeysPage';
import { captureDownloads, fakeAdminApi, jsdomForFluent, type FakeAdminApi } from './pages-fake-api';

jsdomForFluent();

const OLD = 'AAAA1111BBBB2222CCCC3333DDDD4444EEEE5555';
const NEW = '0123456789ABCDEF0123456789ABCDEF01234567';
const ORG = 'F00DF00DF00DF00DF00DF00DF00DF00DF00DF00D';
const ARMOR = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ…\n-----END PGP PUBLIC KEY BLOCK-----';

function keysApi(): FakeAdminApi {
  let keyring = [
    {
      fingerprint: ORG,
      addresses: ['claims@supplier.example'],
      addedAt: '2026-11-02T09:30:00.000Z',
      addedBy: 'ops',
    },
  ];
  let changed = [
    {
      address: 'ana@example.org',
      pinnedFingerprint: OLD,
      fingerprint: NEW,
      source: 'wkd',
      seenAt: '2026-12-01T08:15:00.000Z',
      reasons: ['the key differs from the one pinned on 2026-05-03'],
    },
  ];
  let pins = [
    { address: 'bo@example.org', fingerprint: OLD, firstSeen: '2026-05-03T10:00:00.000Z', acceptedBy: 'ops' },
  ];
  return fakeAdminApi({
    'GET /admin/keyring': () => keyring,
    'POST /admin/keyring': () => {
      const entry = {
        fingerprint: NEW,
        addresses: ['dee@example.net'],
        addedAt: '2026-12-07T10:00:00.000Z',
        addedBy: 'ops',
      };
      keyring = [...keyring, entry];
      return entry;
    },
    [`DELETE /admin/keyring/${ORG}`]: () => {
      keyring = keyring.filter((k) => k.fingerprint !== ORG);
      return undefined;
    },
    'GET /admin/pins': () => ({ pins }),
    'PUT /admin/pins/cy%40example.org': (body) => {
      const pin = {
        address: 'cy@example.org',
        fingerprint: (body as { fingerprint: string }).fingerprint,
        firstSeen: '2026-12-07T10:00:00.000Z',
        acceptedBy: 'ops',
      };
      pins = [...pins, pin];
      return pin;
    },
    'GET /admin/keys/changed': () => ({ keys: changed }),
    'POST /admin/keys/ana%40example.org/accept': (body) => {
      changed = [];
      const pin = {
        address: 'ana@example.org',
        fingerprint: (body as { fingerprint: string }).fingerprint,
        firstSeen: '2026-12-07T10:00:00.000Z',
        acceptedBy: 'ops',
      };
      pins = [...pins, pin];
      return { pin };
    },
    'POST /admin/keys/ana%40example.org/refuse': () => {
      changed = [];
      return undefined;
    },
  });
}

async function renderPage(api: FakeAdminApi) {
  render(createElement(KeysPage, { api }));
  await screen.findByRole('table', { name: 'Organisation keyring' });
  await screen.findByRole('table', { name: 'Changed keys waiting for a decision' });
  await screen.findByRole('table', { name: 'Pinned keys' });
}

const grouped = (fingerprint: string) => fingerprint.replace(/(.{4})(?=.)/g, '$1 ');

describe('organisation keyring', () => {
  test('lists each key with its fingerprint in groups of four, its addresses and who added it', async () => {
    await renderPage(keysApi());
    const table = screen.getByRole('table', { name: 'Organisation keyring' });
    expect(within(table).getByText(grouped(ORG))).toBeTruthy();
    expect(within(table).getByText('claims@supplier.example')).toBeTruthy();
    expect(within(table).getByText('2026-11-02 09:30 UTC')).toBeTruthy();
  });

  test('uploading sends the armored key as pasted and lists the new key', async () => {
    const api = keysApi();
    await renderPage(api);
    fireEvent.change(screen.getByLabelText('Armored public key to add'), {
      target: { value: `  ${ARMOR}\n` },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Add to keyring' }));
    await screen.findByText(`Key ${grouped(NEW)} added, for dee@example.net.`);
    expect(api.callsTo('POST', '/admin/keyring')).toEqual([
      { method: 'POST', path: '/admin/keyring', body: { armoredKey: ARMOR } },
    ]);
    const table = screen.getByRole('table', { name: 'Organisation keyring' });
    await waitFor(() => expect(within(table).getByText(grouped(NEW))).toBeTruthy());
  });

  test("a refused upload shows the service's reason and keeps the pasted key", async () => {
    const api = keysApi();
    api.routes.set('POST /admin/keyring', () => {
      throw new AdminApiError(400, 'KEY_INVALID', 'the key has no encryption subkey');
    });
    await renderPage(api);
    fireEvent.change(screen.getByLabelText('Armored public key to add'), { target: { value: ARMOR } });
    fireEvent.click(screen.getByRole('button', { name: 'Add to keyring' }));
    await screen.findByText('Could not add the key: the key has no encryption subkey.');
    expect((screen.getByLabelText('Armored public key to add') as HTMLTextAreaElement).value).toBe(ARMOR);
  });

  test('removing asks first: Cancel sends nothing, Remove key deletes that fingerprint', async () => {
    const api = keysApi();
    await renderPage(api);
    fireEvent.click(screen.getByRole('button', { name: `Remove key ${grouped(ORG)}` }));
    let dialog = await screen.findByRole('alertdialog', { name: 'Remove this key from the keyring?' });
    expect(dialog.textContent).toContain('Mail to claims@supplier.example will use a key found elsewhere');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(api.callsTo('DELETE', `/admin/keyring/${ORG}`)).toEqual([]);

    screen.getByRole('button', { name: `Remove key ${grouped(ORG)}` }).focus();
    fireEvent.click(screen.getByRole('button', { name: `Remove key ${grouped(ORG)}` }));
    dialog = await screen.findByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove key' }));
    await screen.findByText(`Key ${grouped(ORG)} removed from the keyring.`);
    expect(api.callsTo('DELETE', `/admin/keyring/${ORG}`)).toHaveLength(1);
    expect(await screen.findByText('The organisation keyring holds no keys yet.')).toBeTruthy();
    // The button is gone with its row: focus stays in the keyring's section, on its heading.
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Organisation keyring' })),
    );
  });
});

describe('changed keys', () => {
  test('show the evidence: both fingerprints in groups of four, where and when the key was found, the reasons', async () => {
    await renderPage(keysApi());
    const table = screen.getByRole('table', { name: 'Changed keys waiting for a decision' });
    const row = within(table).getByText('ana@example.org').closest('tr')!;
    expect(within(row).getByText(grouped(OLD))).toBeTruthy();
    expect(within(row).getByText(grouped(NEW))).toBeTruthy();
    expect(row.textContent).toContain("from the recipient's web key directory");
    expect(row.textContent).toContain('2026-12-01 08:15 UTC');
    expect(row.textContent).toContain('the key differs from the one pinned on 2026-05-03');
  });

  test('accepting sends the new fingerprint, after a dialog that shows both again, and the pins are read again', async () => {
    const api = keysApi();
    await renderPage(api);
    const pinReads = api.callsTo('GET', '/admin/pins').length;
    fireEvent.click(screen.getByRole('button', { name: 'Accept new key for ana@example.org' }));
    const dialog = await screen.findByRole('alertdialog', {
      name: 'Accept the new key for ana@example.org?',
    });
    expect(within(dialog).getByText(grouped(OLD))).toBeTruthy();
    expect(within(dialog).getByText(grouped(NEW))).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Accept new key' }));
    await screen.findByText(`ana@example.org is now pinned to ${grouped(NEW)}.`);
    expect(api.callsTo('POST', '/admin/keys/ana%40example.org/accept')).toEqual([
      { method: 'POST', path: '/admin/keys/ana%40example.org/accept', body: { fingerprint: NEW } },
    ]);
    await screen.findByText('No changed keys are waiting for a decision.');
    await waitFor(() => expect(api.callsTo('GET', '/admin/pins').length).toBe(pinReads + 1));
    const pins = screen.getByRole('table', { name: 'Pinned keys' });
    await waitFor(() => expect(within(pins).getByText('ana@example.org')).toBeTruthy());
  });

  test('refusing sends the refused fingerprint and keeps the old pin', async () => {
    const api = keysApi();
    await renderPage(api);
    fireEvent.click(screen.getByRole('button', { name: 'Refuse new key for ana@example.org' }));
    const dialog = await screen.findByRole('alertdialog', {
      name: 'Refuse the new key for ana@example.org?',
    });
    // A refusal keeps the old pin and takes the entry off this list; it blocks nothing: the key stays changed
    // for every sender, each of whom can still accept it in the pane.
    expect(dialog.textContent).toContain('Refusing keeps ana@example.org pinned to the old key');
    expect(dialog.textContent).toContain('stays marked as changed for every sender');
    expect(dialog.textContent).toContain('can still accept it in the compose pane');
    expect(dialog.textContent).not.toContain('not encrypted to the new key');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Refuse new key' }));
    await screen.findByText(`The new key for ana@example.org was refused; ${grouped(OLD)} stays pinned.`);
    expect(api.callsTo('POST', '/admin/keys/ana%40example.org/refuse')).toEqual([
      { method: 'POST', path: '/admin/keys/ana%40example.org/refuse', body: { fingerprint: NEW } },
    ]);
    expect(api.callsTo('POST', '/admin/keys/ana%40example.org/accept')).toEqual([]);
  });

  test('a decision the service refuses stays in the dialog with its reason, nothing else changed', async () => {
    const api = keysApi();
    api.routes.set('POST /admin/keys/ana%40example.org/accept', () => {
      throw new AdminApiError(409, 'KEY_CHANGED_AGAIN', 'the key found now is another one');
    });
    await renderPage(api);
    fireEvent.click(screen.getByRole('button', { name: 'Accept new key for ana@example.org' }));
    const dialog = await screen.findByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Accept new key' }));
    expect(
      await within(dialog).findByText(
        'Could not accept the new key for ana@example.org: the key found now is another one.',
      ),
    ).toBeTruthy();
  });
});

test('while a decision is sent, its buttons stay focusable (aria-disabled), so focus stays in the dialog', async () => {
  const api = keysApi();
  let answer: () => void = () => undefined;
  api.routes.set(
    'POST /admin/keys/ana%40example.org/accept',
    () => new Promise<{ pin: unknown }>((resolve) => (answer = () => resolve({ pin: {} }))),
  );
  await renderPage(api);
  fireEvent.click(screen.getByRole('button', { name: 'Accept new key for ana@example.org' }));
  const dialog = await screen.findByRole('alertdialog');
  const confirm = within(dialog).getByRole('button', { name: 'Accept new key' });
  confirm.focus();
  fireEvent.click(confirm);
  const working = await within(dialog).findByRole('button', { name: 'Accept new key…' });
  const cancel = within(dialog).getByRole('button', { name: 'Cancel' });
  for (const button of [working, cancel]) {
    expect((button as HTMLButtonElement).disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
  }
  expect(dialog.contains(document.activeElement)).toBe(true);
  // A second press while working sends nothing more.
  fireEvent.click(working);
  expect(api.callsTo('POST', '/admin/keys/ana%40example.org/accept')).toHaveLength(1);
  await act(async () => answer());
  await screen.findByText(`ana@example.org is now pinned to ${grouped(NEW)}.`);
});

describe('pins', () => {
  test('a fingerprint typed with spaces and in lower case is pinned in the stored form', async () => {
    const api = keysApi();
    await renderPage(api);
    fireEvent.change(screen.getByLabelText('Address'), { target: { value: 'cy@example.org' } });
    fireEvent.change(screen.getByLabelText('Fingerprint to pin'), {
      target: { value: grouped(NEW).toLowerCase() },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Pin key' }));
    await screen.findByText(`cy@example.org is now pinned to ${grouped(NEW)}.`);
    expect(api.callsTo('PUT', '/admin/pins/cy%40example.org')).toEqual([
      { method: 'PUT', path: '/admin/pins/cy%40example.org', body: { fingerprint: NEW } },
    ]);
  });

  test('a fingerprint of the wrong length is named as such and cannot be sent', async () => {
    await renderPage(keysApi());
    fireEvent.change(screen.getByLabelText('Address'), { target: { value: 'cy@example.org' } });
    fireEvent.change(screen.getByLabelText('Fingerprint to pin'), { target: { value: 'ABCD 1234' } });
    expect(
      screen.getByText(/Expected an upper-case hexadecimal v4 \(40\) or v6 \(64\) fingerprint/),
    ).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Pin key' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Download CSV', () => {
  test("the keyring's file holds the table's rows exactly", async () => {
    const downloads = captureDownloads();
    await renderPage(keysApi());
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV of Organisation keyring' }));
    });
    expect(downloads.map((d) => d.name)).toEqual(['keyring.csv']);
    expect(await downloads[0]!.text()).toBe(
      'Fingerprint,Addresses,Added,Added by\r\n' +
        `${grouped(ORG)},claims@supplier.example,2026-11-02 09:30 UTC,ops\r\n`,
    );
  });
});
