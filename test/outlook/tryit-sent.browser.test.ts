/**
 * "Sent securely" on the try-it page in real Chromium, against the real service: a message sent by secure pickup
 * whose sender link the simulated mailbox's roaming settings hold (as applying keeps it) is listed with its
 * recipient; "Mail me my copy" opens a new message to the sender with the link (the page's simulated mailbox shows
 * it); the link opens in a new tab, at the portal; revoking asks first, then the message is listed as revoked. The screenshot goes
 * to test/artifacts/outlook/sent-securely.png.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { senderLinkStore } from '../../src/addin/sent/link-store';
import type { Server } from '../../src/server/serve';
import { nodeFetch } from '../escrow/harness';
import { ARTIFACTS, launchBrowser, startBackend } from './browser';
import { buildOutlook } from './built-addin';

/** Where the try-it page keeps its roaming settings between visits (tryit.ts), and Outlook's setting name. */
const TRY_ROAMING_KEY = 'sendguard-try-roaming-settings';
const SETTING = 'senderLinks';

let server: Server;
let base: string;
let token: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let context: BrowserContext;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildOutlook();
  ({ server, base, token } = await startBackend());
  browser = await launchBrowser();
  context = browser.context;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The roaming settings that applying secure pickup leaves behind: this message's sender link, kept. */
async function roamingWith(link: { id: string; url: string; expiresAt: string }): Promise<string> {
  let saved: unknown;
  const store = senderLinkStore(
    { read: async () => saved, write: async (value) => void (saved = value) },
    { budget: 30 * 1024 },
  );
  await store.keep({ ...link, ownCopy: false });
  return JSON.stringify({ [SETTING]: saved });
}

test('the list in the pane: the copy mailed to oneself, the link opened, the message revoked', async () => {
  const sent = await escrowMessage({
    backendUrl: base,
    token,
    message: { subject: 'Lab results', html: '<p>x</p>', text: 'x', attachments: [] },
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 3,
    fetch: nodeFetch,
  });
  const page = await context.newPage();
  await page.goto(`${base}/try/?token=${encodeURIComponent(token)}`);
  const roaming = await roamingWith({ id: sent.id, url: sent.senderUrl, expiresAt: sent.expiresAt });
  await page.evaluate(([key, value]) => localStorage.setItem(key!, value!), [TRY_ROAMING_KEY, roaming]);
  await page.reload();

  const item = page.getByTestId(`sent-${sent.id}`);
  await item.getByText('To bob@partner.test').waitFor();
  await item.getByText('Not opened yet.').waitFor();
  await item.getByText(/Your mailbox has no copy of your link to this message yet/).waitFor();

  await item.getByRole('button', { name: 'Mail me my copy' }).click();
  await item.getByText(/A new message to sender@example\.gov is open with your link in it/).waitFor();
  const opened = page.locator('#opened li');
  await opened.first().waitFor();
  expect(await opened.count()).toBe(1);
  const copy = (await opened.first().textContent()) ?? '';
  expect(copy).toContain('To sender@example.gov — Your link to your secure message to bob@partner.test');
  expect(copy).toContain(sent.senderUrl);
  expect(copy).not.toContain(sent.pickupUrl);

  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    item.getByRole('button', { name: 'Open message and replies' }).click(),
  ]);
  await tab.waitForLoadState('domcontentloaded');
  // The portal takes the secret out of the address bar once it has read it.
  expect(tab.url()).toBe(`${base}/pickup/`);
  const browsed = await page.evaluate(
    () =>
      (window as unknown as { sendguardTry: { state: { browsed: string[] } } }).sendguardTry.state.browsed,
  );
  expect(browsed).toEqual([sent.senderUrl]);
  await tab.close();

  await page.locator('#pane').screenshot({ path: join(ARTIFACTS, 'sent-securely.png') });
  await item.getByRole('button', { name: 'Revoke' }).click();
  await item.getByText(/and this cannot be undone/).waitFor();
  await item.getByRole('button', { name: 'Revoke' }).click();
  await item.getByText(/revoked: nobody can open it any more\.$/).waitFor();
  expect(await item.getByRole('button', { name: 'Open message and replies' }).count()).toBe(0);
  await page.close();
}, 120_000);
