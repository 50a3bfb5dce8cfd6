/**
 * The whole escrow path in real Chromium with real mail: the add-in library escrows a message with attachments,
 * the recipient opens the link, gets the code through the test bed's Postfix, reads the message and downloads
 * the attachments byte-identical, replies with an attachment, and the sender reads their message and the reply
 * through their own link. Then: revoke kills the link, a forwarded link without the code gets nothing, and a corpus of XSS
 * payloads runs nothing. Screenshots go to test/artifacts/escrow/.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { escrowMessage, type EscrowMessageOptions } from '../../src/addin/protect/escrow/escrow-message';
import { PORTAL_CSP } from '../../src/server/escrow/headers';
import { smtpMailer } from '../../src/server/escrow/mailer';
import { launchChromium } from '../helpers/chromium';
import { testbed, type Testbed } from '../helpers/testbed';
import { bedRelay } from './bed-relay';
import { nodeFetch, startEscrowServer, type EscrowServer } from './harness';
import { codeIn, mailArrives, waitForMail } from './maildir';
import { ensurePortalBuilt } from './portal-build';

const ARTIFACTS = join(__dirname, '..', 'artifacts', 'escrow');

let bed: Testbed;
let server: EscrowServer;
let browser: BrowserContext;
const RUN = randomBytes(4).toString('hex');
const SOMEONE = `someone@mailbox.sendguard.test`;

beforeAll(async () => {
  bed = testbed();
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensurePortalBuilt();
  server = await startEscrowServer({
    mailer: smtpMailer(bedRelay(bed)),
    config: { perIp: { max: 500, windowMs: 60_000 } },
  });
  browser = await launchChromium({
    acceptDownloads: true,
    viewport: { width: 1000, height: 900 },
  });
}, 170_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * A message from a sender named after the test's run token (its mails are told apart by it), who can read
 * their notices in the bed's maildir; with the bearer token it was sent with.
 */
async function escrow(token: string, message: EscrowMessageOptions['message']) {
  const sender = { name: `Dr. Test ${token}`, address: 'sender@mailbox.sendguard.test' };
  const bearer = await server.issueToken(sender);
  const sent = await escrowMessage({
    backendUrl: server.url,
    token: bearer,
    sender,
    message,
    recipients: [SOMEONE, 'other@mailbox.sendguard.test'].map((address) => ({ address, proof: 'code' })),
    expiryDays: 7,
    fetch: nodeFetch,
  });
  return { ...sent, bearer };
}

/** A page that records every dialog and every CSP violation it sees. */
async function watchedPage(): Promise<{ page: Page; dialogs: string[]; cspViolations: string[] }> {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  const cspViolations: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return { page, dialogs, cspViolations };
}

/** Opens the link and goes through the code step with the code that really arrives by mail. */
async function pickUp(page: Page, link: string, token: string, address = SOMEONE): Promise<void> {
  await page.goto(link);
  await page.getByLabel('Your email address').fill(address);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').waitFor();
  const mail = await waitForMail(
    bed.mailDir,
    (raw) => raw.includes(token) && raw.includes(`To: ${address}`) && raw.includes('Your code is'),
  );
  await page.getByLabel('Code from the email').fill(codeIn(mail));
  await page.getByRole('button', { name: 'Open message' }).click();
}

test('escrow, code by real SMTP, read, download byte-identical, reply with attachment, sender reads the reply', async () => {
  const token = `e2e-${RUN}`;
  const pdf = randomBytes(2 * 1024 * 1024 + 123);
  const notes = Buffer.from('Notes: the plaintext of an attachment\n');
  const sent = await escrow(token, {
    subject: `Your lab results ${token}`,
    html: `<p>Dear patient, your results are attached.</p><p><a href="https://clinic.example/help">Help page</a></p><img src="https://tracker.example/pixel.gif" alt="logo">`,
    text: 'Dear patient, your results are attached.',
    attachments: [
      { name: 'results.pdf', type: 'application/pdf', data: new Blob([pdf]) },
      { name: 'notes.txt', type: 'text/plain', data: notes },
    ],
  });

  const { page, dialogs, cspViolations } = await watchedPage();
  const response = await page.goto(sent.pickupUrl);
  expect(response?.headers()['content-security-policy']).toBe(PORTAL_CSP);
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await page.getByLabel('Your email address').waitFor();
  expect(page.url()).toBe(`${server.url}/pickup/`); // the fragment is gone from the address bar
  await page.screenshot({ path: join(ARTIFACTS, '1-ask-address.png') });

  await pickUp(page, sent.pickupUrl, token);
  await page.getByTestId('subject').waitFor();
  expect(await page.getByTestId('subject').textContent()).toBe(`Your lab results ${token}`);
  const body = page.frameLocator('iframe[title="Message body"]');
  await body.getByText('Dear patient, your results are attached.').waitFor();
  await page.getByText('Images from the internet are not shown').waitFor();
  expect(await page.locator('iframe[title="Message body"]').getAttribute('sandbox')).toBe(
    'allow-same-origin',
  );
  await page.screenshot({ path: join(ARTIFACTS, '2-message.png'), fullPage: true });

  await page.getByRole('button', { name: 'Show images' }).click();
  await body.locator('img[src="https://tracker.example/pixel.gif"]').waitFor({ state: 'attached' });

  // A link asks first.
  await body.getByText('Help page').click();
  await page.getByText('The link leads to').waitFor();
  expect(await page.getByRole('dialog').textContent()).toContain('clinic.example');
  await page.screenshot({ path: join(ARTIFACTS, '3-link-warning.png') });
  await page.getByRole('button', { name: 'Cancel' }).click();

  for (const [index, expected] of [pdf, notes].entries()) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId(`download-${index}`).click(),
    ]);
    expect(download.suggestedFilename()).toBe(['results.pdf', 'notes.txt'][index]);
    expect(readFileSync((await download.path())!).equals(expected)).toBe(true);
  }

  const signed = randomBytes(150_000);
  await page.getByTestId('reply-text').fill(`Thank you, signed form attached ${token}`);
  await page
    .getByTestId('reply-files')
    .setInputFiles({ name: 'signed.pdf', mimeType: 'application/pdf', buffer: signed });
  await page.getByRole('button', { name: 'Send secure reply' }).click();
  await page.getByText('Your reply was encrypted and sent').waitFor();
  await page.screenshot({ path: join(ARTIFACTS, '4-replied.png'), fullPage: true });

  // The server mails the sender that a reply is waiting; the sender opens their own link.
  await waitForMail(
    bed.mailDir,
    (raw) => raw.includes('Secure reply from someone@mailbox.sendguard.test') && raw.includes('To: sender@'),
  );
  const senderPage = await browser.newPage();
  await senderPage.goto(sent.senderUrl);
  await senderPage.getByTestId('reply-body').waitFor();
  expect(await senderPage.getByTestId('reply-body').textContent()).toBe(
    `Thank you, signed form attached ${token}`,
  );
  const [replyDownload] = await Promise.all([
    senderPage.waitForEvent('download'),
    senderPage.getByTestId('reply').getByTestId('download-0').click(),
  ]);
  expect(readFileSync((await replyDownload.path())!).equals(signed)).toBe(true);
  // The sender's link also opens the message itself, with their copy of its key.
  expect(await senderPage.getByTestId('subject').textContent()).toBe(`Your lab results ${token}`);
  await senderPage
    .frameLocator('iframe[title="Message body"]')
    .getByText('Dear patient, your results are attached.')
    .waitFor();
  const [ownDownload] = await Promise.all([
    senderPage.waitForEvent('download'),
    senderPage.getByRole('region', { name: 'Attachments' }).first().getByTestId('download-0').click(),
  ]);
  expect(readFileSync((await ownDownload.path())!).equals(pdf)).toBe(true);
  await senderPage.screenshot({ path: join(ARTIFACTS, '5-sender-replies.png'), fullPage: true });

  expect(dialogs).toEqual([]);
  expect(cspViolations).toEqual([]);

  // Revoked: the same link is dead.
  const revoke = await fetch(`${server.apiBase}/messages/${sent.id}/revoke`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sent.bearer}` },
  });
  expect(revoke.status).toBe(204);
  const after = await browser.newPage();
  await after.goto(sent.pickupUrl);
  await after.getByText('This message is no longer available').waitFor();
  await after.screenshot({ path: join(ARTIFACTS, '6-revoked.png') });
}, 120_000);

test('a forwarded link opened by someone who is not a recipient: no code is mailed, nothing opens', async () => {
  const token = `fwd-${RUN}`;
  const sent = await escrow(token, {
    subject: 'forwarded',
    html: '<p>secret</p>',
    text: 'secret',
    attachments: [],
  });
  const { page } = await watchedPage();
  await page.goto(sent.pickupUrl);
  await page.getByLabel('Your email address').fill('stranger@mailbox.sendguard.test');
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').waitFor();
  expect(
    await mailArrives(bed.mailDir, (raw) => raw.includes(token) && raw.includes('To: stranger@'), 2000),
  ).toBe(false);
  await page.getByLabel('Code from the email').fill('12345678');
  await page.getByRole('button', { name: 'Open message' }).click();
  await page.getByText('That code is not right, or it has expired').waitFor();
  expect(await page.getByText('secret').count()).toBe(0);
}, 60_000);

const XSS = [
  '<img src=x onerror="top.__pwned=1;alert(1)">',
  '<script>top.__pwned=1</script>',
  '<svg onload="top.__pwned=1"></svg>',
  '<a href="javascript:top.__pwned=1">click</a>',
  '<iframe srcdoc="<script>parent.parent.__pwned=1</script>"></iframe>',
  '<math><mtext><table><mglyph><style><img src=x onerror="top.__pwned=1">',
  '<form><button formaction="javascript:top.__pwned=1">go</button></form>',
  '<meta http-equiv="refresh" content="0;url=javascript:top.__pwned=1">',
  '<object data="javascript:top.__pwned=1"></object>',
  '<details open ontoggle="top.__pwned=1">x</details>',
  '<style>@import "javascript:top.__pwned=1";</style>',
  '<div style="background:url(javascript:top.__pwned=1)">bg</div>',
  '<noscript><p title="</noscript><img src=x onerror=top.__pwned=1>">',
  '<body onload="top.__pwned=1">',
  '<base href="javascript:top.__pwned=1//"><a href="/x">rel</a>',
  '<embed src="data:text/html,<script>top.__pwned=1</script>">',
  '<video><source onerror="top.__pwned=1"></video>',
  '<input autofocus onfocus="top.__pwned=1">',
];

test('XSS payloads in body, subject and attachment names execute nothing in the portal', async () => {
  const token = `xss-${RUN}`;
  const hostileName = '"><img src=x onerror="top.__pwned=1">.html';
  const sent = await escrow(token, {
    subject: `<img src=x onerror="top.__pwned=1;alert(1)"> ${token}`,
    html: XSS.join('\n<hr>\n'),
    text: 'see html',
    attachments: [
      { name: hostileName, type: 'text/html', data: Buffer.from('<script>top.__pwned=1</script>') },
      { name: '<script>top.__pwned=1</script>', type: 'text/html"><script>', data: Buffer.from('x') },
    ],
  });
  const { page, dialogs } = await watchedPage();
  await pickUp(page, sent.pickupUrl, token);
  await page.getByTestId('subject').waitFor();
  expect(await page.getByTestId('subject').textContent()).toBe(
    `<img src=x onerror="top.__pwned=1;alert(1)"> ${token}`,
  );
  expect(await page.getByTestId('attachment-name-0').textContent()).toBe(hostileName);
  const body = page.frameLocator('iframe[title="Message body"]');
  await body.getByText('click').click(); // the javascript: link was disarmed: nothing to open, no warning
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-0').click(),
  ]);
  expect(download.suggestedFilename()).not.toContain('/');
  await page.waitForTimeout(1000);
  await page.screenshot({ path: join(ARTIFACTS, '7-xss-corpus.png'), fullPage: true });
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(await page.getByRole('dialog').count()).toBe(0);
  const leftovers = await page.locator('iframe[title="Message body"]').evaluate((frame) => {
    const doc = (frame as HTMLIFrameElement).contentDocument!;
    const active = doc.querySelectorAll(
      // The frame's own head holds its policy and settings as meta elements; the sender's body holds none.
      'script, iframe, object, embed, form, base, body meta, style:not(head style)',
    );
    const handlers = [...doc.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => /^on/i.test(a.name) || /javascript:/i.test(a.value)),
    );
    return active.length + handlers.length;
  });
  expect(leftovers).toBe(0);
  expect(page.url()).toBe(`${server.url}/pickup/`);
}, 90_000);

test('a sender link with the wrong secret shows the server’s refusal in the error bar, and no replies', async () => {
  const sent = await escrow(`wrong-sender-${RUN}`, {
    subject: 's',
    html: '<p>x</p>',
    text: 'x',
    attachments: [],
  });
  const { page } = await watchedPage();
  // The recipient's secret in a sender link: well-formed, but not the sender's.
  await page.goto(sent.pickupUrl.replace('#r1.', '#s1.'));
  await page.getByText('this sender link is not valid, or the message was revoked or has expired').waitFor();
  expect(await page.getByTestId('reply').count()).toBe(0);
}, 60_000);
