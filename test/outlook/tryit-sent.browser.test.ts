/**
 * "Sent securely" on the try-it page in real Chromium, against the real service: a message sent by secure pickup
 * whose sender link the simulated mailbox's roaming settings hold (as applying keeps it) is listed with its
 * recipient; "Mail me my copy" opens a new message to the sender with the link (the page's simulated mailbox shows
 * it); the link opens in a new tab, at the portal; revoking asks first, then the message is listed as revoked. And
 * end to end: applying secure pickup in the pane keeps the sender link in the roaming settings, never in the
 * notice, and the new message heads the list. The screenshot goes to test/artifacts/outlook/sent-securely.png.
 */
import { join } from 'node:path';
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { senderLinkStore } from '../../src/addin/sent/link-store';
import { nodeFetch } from '../escrow/harness';
import { ARTIFACTS, tryItSuite } from './browser';
import { badge, compose } from './try-page';

/** Where the try-it page keeps its roaming settings between visits (tryit.ts), and Outlook's setting name. */
const TRY_ROAMING_KEY = 'sendguard-try-roaming-settings';
const SETTING = 'senderLinks';

const suite = tryItSuite();

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
    backendUrl: suite.base,
    token: suite.token,
    message: { subject: 'Lab results', html: '<p>x</p>', text: 'x', attachments: [] },
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 3,
    fetch: nodeFetch,
  });
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/try/?token=${encodeURIComponent(suite.token)}`);
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
  // Opened is not sent: the warning stays until the sender says they sent the copy.
  await item.getByText(/It is not in your mailbox until you send it/).waitFor();
  await item.getByRole('button', { name: 'I sent it' }).click();
  await item.getByText(/It is not in your mailbox until you send it/).waitFor({ state: 'detached' });
  expect(await item.getByText(/Your mailbox has no copy of your link/).count()).toBe(0);

  const [tab] = await Promise.all([
    suite.context.waitForEvent('page'),
    item.getByRole('button', { name: 'Open message and replies' }).click(),
  ]);
  await tab.waitForLoadState('domcontentloaded');
  // The portal takes the secret out of the address bar once it has read it.
  expect(tab.url()).toBe(`${suite.base}/pickup/`);
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

test('applying secure pickup keeps the sender link in the roaming settings, not in the notice, and lists the message', async () => {
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/try/?token=${encodeURIComponent(suite.token)}`);
  await compose(page, { to: 'carl@partial.sendguard.test', subject: 'SSN', body: 'Her SSN is 234-56-7890.' });
  await badge(page, 'carl@partial', 'Secure pickup');
  await page.getByRole('button', { name: 'Suggest one' }).click();
  await page.getByRole('button', { name: 'Send by secure pickup' }).click();
  await page.getByText('The message is stored for secure pickup').waitFor({ timeout: 30_000 });

  const { roaming, notice } = await page.evaluate(() => {
    const { state } = (window as unknown as { sendguardTry: { state: { roaming: unknown; text: string } } })
      .sendguardTry;
    return { roaming: JSON.stringify(state.roaming), notice: state.text };
  });
  const senderUrl = /https?:[^"]+#s1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/.exec(roaming)?.[0];
  expect(senderUrl).toBeDefined();
  expect(notice).toContain('#r1.');
  expect(notice).not.toContain('#s1.');
  const id = /#s1\.([A-Za-z0-9_-]{22})\./.exec(senderUrl!)![1]!;

  const item = page.getByTestId(`sent-${id}`);
  await item.getByText('To carl@partial.sendguard.test').waitFor();
  expect(await page.locator('[data-testid^="sent-"]').first().getAttribute('data-testid')).toBe(`sent-${id}`);
  await item.getByRole('button', { name: 'Mail me my copy' }).click();
  const copy = page.locator('#opened li', { hasText: senderUrl! });
  await copy.waitFor();
  expect(await copy.textContent()).toContain(
    'Your link to your secure message to carl@partial.sendguard.test',
  );
  await page.close();
}, 120_000);
