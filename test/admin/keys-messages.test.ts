/**
 * The Keys and Secure messages pages in Chromium against `sendguard serve` (API tokens required, as deployed),
 * through the admin's real routes: a key made by GnuPG added to the organisation keyring by pasting it and removed
 * after the confirmation; a secure message a sender escrowed with the add-in's own client, managed by the admin —
 * one recipient's access revoked, the expiry moved and a refused expiry explained, the message revoked — with
 * each change read back from the API and from the audit log, which names the admin.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { escrowMessage, type EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import type { FetchLike } from '../../src/core/escrow/http';
import { formatFingerprint } from '../../src/core/fingerprint';
import { gpgKey, peerHome } from '../addin/openpgp-peers';
import { ROOT } from '../outlook/built-addin';
import { tableCells } from './console-page';
import { callApi, openConsole, startConsoleService, type ConsoleService } from './pages-serve';

const ARTIFACTS = join(ROOT, 'artifacts', 'issue21');
const DAY = 86_400_000;

let consoleService: ConsoleService;
let page: Page;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  consoleService = await startConsoleService();
  page = await openConsole(consoleService, 'Keys');
}, 600_000);

async function screenshot(name: string): Promise<void> {
  const shot = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(`screenshot: ${shot}`);
}

test('a key pasted into the keyring is listed in groups of four, and removed only after the confirmation', async () => {
  const key = gpgKey(peerHome(), 'Dee Partner <dee@partner.example>');
  const grouped = formatFingerprint(key.fingerprint);
  await page.getByLabel('Armored public key to add').fill(key.publicKey);
  await page.getByRole('button', { name: 'Add to keyring' }).click();
  await page.getByText(`Key ${grouped} added, for dee@partner.example.`).waitFor();
  const rows = await tableCells(page, 'Organisation keyring');
  expect(rows[1]!.slice(0, 2)).toEqual([grouped, 'dee@partner.example']);
  await screenshot('keys');

  await page.getByRole('button', { name: `Remove key ${grouped}` }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Remove this key from the keyring?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect((await callApi(consoleService, consoleService.adminToken, '/admin/keyring')).body).toHaveLength(1);
  await page.getByRole('button', { name: `Remove key ${grouped}` }).click();
  await dialog.getByRole('button', { name: 'Remove key' }).click();
  await page.getByText(`Key ${grouped} removed from the keyring.`).waitFor();
  await page.getByText('The organisation keyring holds no keys yet.').waitFor();
  expect((await callApi(consoleService, consoleService.adminToken, '/admin/keyring')).body).toEqual([]);
}, 60_000);

describe('a secure message managed by the admin', () => {
  let sent: EscrowedMessage;
  let details: ReturnType<Page['locator']>;
  const message = async () =>
    (
      (await callApi(consoleService, consoleService.adminToken, '/admin/messages')).body as {
        messages: Array<{
          id: string;
          state: string;
          expiresAt: string;
          recipients: Array<{ address: string; state: string }>;
        }>;
      }
    ).messages.find((m) => m.id === sent.id)!;

  beforeAll(async () => {
    sent = await escrowMessage({
      backendUrl: consoleService.service.base,
      token: consoleService.senderToken,
      message: { subject: 'Lab results', html: '<p>x</p>', text: 'x', attachments: [] },
      recipients: [
        { address: 'bob@partner.example', proof: 'code' },
        { address: 'cy@partner.example', proof: 'code' },
      ],
      expiryDays: 3,
      fetch: fetch as unknown as FetchLike,
    });
    await page.getByRole('tab', { name: 'Secure messages' }).click();
    await page.getByRole('button', { name: `Manage message ${sent.id}` }).click();
    details = page
      .locator('div', { has: page.getByRole('heading', { name: new RegExp(`^Message ${sent.id} from`) }) })
      .last();
    await details.waitFor();
  }, 60_000);

  test("the list shows the message with each recipient's state", async () => {
    const rows = await tableCells(page, 'Secure messages');
    const row = rows.find((cells) => cells[0] === sent.id)!;
    expect(row[2]).toBe('ready');
    expect(row[5]).toBe('bob@partner.example (not opened); cy@partner.example (not opened)');
  });

  test("revoking one recipient ends that recipient's access only, and the audit log names the admin", async () => {
    await page.getByRole('button', { name: 'Revoke access of cy@partner.example' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke access' }).click();
    await page.getByText(`cy@partner.example can no longer open message ${sent.id}.`).waitFor();
    expect((await message()).recipients).toEqual([
      expect.objectContaining({ address: 'bob@partner.example', state: 'active' }),
      expect.objectContaining({ address: 'cy@partner.example', state: 'revoked' }),
    ]);
    await page
      .getByRole('table', { name: `Audit log of message ${sent.id}` })
      .getByText('revoked')
      .waitFor();
    const audit = await tableCells(page, `Audit log of message ${sent.id}`);
    const revoked = audit.find((cells) => cells[1] === 'revoked')!;
    expect(revoked[2]).toBe('cy@partner.example');
    expect(revoked[3]).not.toBe('');
  });

  test("the expiry moves to the chosen day; a day past the longest stay is refused in the service's words", async () => {
    const before = await message();
    const later = new Date(Date.parse(before.expiresAt) + DAY).toISOString();
    await page.getByLabel(/Expires on/).fill(later.slice(0, 10));
    await page.getByRole('button', { name: 'Change expiry' }).click();
    await page.getByText(new RegExp(`now expires ${later.slice(0, 10)}`)).waitFor();
    expect((await message()).expiresAt).toBe(later);

    const tooLate = new Date(Date.parse(before.expiresAt) + 400 * DAY).toISOString().slice(0, 10);
    await page.getByLabel(/Expires on/).fill(tooLate);
    await page.getByRole('button', { name: 'Change expiry' }).click();
    await page
      .getByText(
        new RegExp(
          `^The service refused ${tooLate} .*: choose a time in the future, at most \\d+ days after sending`,
        ),
      )
      .waitFor();
    expect((await message()).expiresAt).toBe(later);
    await screenshot('secure-messages');
  });

  test('revoking the message, after the confirmation, leaves nobody able to open it', async () => {
    await page.getByRole('button', { name: 'Revoke message' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke message' }).click();
    await page.getByText(`Message ${sent.id} was revoked: no recipient can open it any more.`).waitFor();
    expect((await message()).state).toBe('revoked');
    await details.getByText(/This message is revoked/).waitFor();
  });
});
