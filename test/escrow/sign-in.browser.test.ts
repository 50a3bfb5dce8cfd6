/**
 * Recipient sign-in end to end in real Chromium with real mail: the notice of a message whose recipient proves
 * themselves by sign-in arrives through the test bed's Postfix; the recipient opens its link, signs in at their
 * domain's identity provider (oidc-provider over HTTPS) in the pop-up the portal opens, reads the message and its
 * attachments, and replies with an attachment; the sender opens their own link and reads the reply. No code is
 * mailed on the way. Screenshots go to test/artifacts/escrow/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { BrowserContext, Page } from 'playwright-core';
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { smtpMailer } from '../../src/server/escrow/mailer';
import { callbackUrl } from '../../src/server/escrow/sign-in/routes';
import { CHROMIUM_FLAGS, launchChromium } from '../helpers/chromium';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp';
import { testbed, type Testbed } from '../helpers/testbed';
import { testPki, type TestPki } from '../helpers/test-pki';
import { bedRelay } from './bed-relay';
import { nodeFetch, type EscrowServer } from './harness';
import { mailArrives, waitForMail } from './maildir';
import { ensurePortalBuilt } from './portal-build';
import { startSignInServer } from './sign-in-server';

const ARTIFACTS = join(__dirname, '..', 'artifacts', 'escrow');
const RUN = randomBytes(4).toString('hex');
const NET = `127.78.${Math.floor(Math.random() * 250) + 1}`;
const IDP_HOST = 'login.mailbox.sendguard.test';
const HOSTS = { [IDP_HOST]: `${NET}.1` };
const RECIPIENT = 'someone@mailbox.sendguard.test';
const SENDER = { name: `Dr. Sign ${RUN}`, address: 'sender@mailbox.sendguard.test' };

let bed: Testbed;
let pki: TestPki;
let idp: OidcIdp;
let server: EscrowServer;
let browser: BrowserContext;

beforeAll(async () => {
  bed = testbed();
  pki = testPki();
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensurePortalBuilt();
  server = await startSignInServer({
    mailer: smtpMailer(bedRelay(bed)),
    signIn: {
      issuers: [
        {
          domains: ['mailbox.sendguard.test'],
          issuer: `https://${IDP_HOST}`,
          clientId: 'sendguard',
          clientSecret: 'sendguard-secret',
          label: 'Mailbox Login',
        },
      ],
    },
    hosts: HOSTS,
    ca: pki.ca,
  });
  idp = await startOidcIdp({
    pki,
    hostname: IDP_HOST,
    address: HOSTS[IDP_HOST]!,
    port: 443,
    clients: [
      {
        client_id: 'sendguard',
        client_secret: 'sendguard-secret',
        redirect_uris: [callbackUrl(server.url)],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    accounts: {
      someone: { email: RECIPIENT, email_verified: true },
      stranger: { email: 'stranger@mailbox.sendguard.test', email_verified: true },
    },
  });
  browser = await launchChromium({
    acceptDownloads: true,
    viewport: { width: 1000, height: 900 },
    // The provider's name leads to its loopback address, and its certificate is from the test's own CA.
    args: [...CHROMIUM_FLAGS, `--host-resolver-rules=MAP ${IDP_HOST} ${HOSTS[IDP_HOST]}`],
    ignoreHTTPSErrors: true,
  });
}, 170_000);

afterAll(async () => {
  await browser?.close();
  await idp?.close();
  await server?.close();
  pki?.remove();
});

/** The add-in's part: escrow the message, and send its notice through the bed's Postfix as Outlook would. */
async function sendSecurely(token: string, attachments: Array<{ name: string; type: string; data: Buffer }>) {
  const bearer = await server.issueToken(SENDER);
  const sent = await escrowMessage({
    backendUrl: server.url,
    token: bearer,
    sender: SENDER,
    message: {
      subject: `Test results ${token}`,
      html: '<p>Your test results are attached.</p>',
      text: 'Your test results are attached.',
      attachments: attachments.map((a) => ({ ...a, data: new Blob([new Uint8Array(a.data)]) })),
    },
    recipients: [{ address: RECIPIENT, proof: 'sign-in' }],
    expiryDays: 7,
    fetch: nodeFetch,
  });
  // Base64, so that the maildir copy's link is read back without undoing quoted-printable line breaks.
  const { host, port, ca, servername } = bedRelay(bed);
  await createTransport({ host, port, requireTLS: true, tls: { ca, servername } }).sendMail({
    from: SENDER.address,
    to: RECIPIENT,
    subject: `Secure message ${token}`,
    text: sent.notice.text,
    textEncoding: 'base64',
  });
  return sent;
}

/** The pickup link in the notice as it arrived in the recipient's mailbox. */
async function linkFromMailbox(token: string): Promise<string> {
  const raw = await waitForMail(
    bed.mailDir,
    (mail) => mail.includes(`Secure message ${token}`) && mail.includes(`To: ${RECIPIENT}`),
  );
  const body = Buffer.from(raw.slice(raw.search(/\r?\n\r?\n/)).replace(/\s+/g, ''), 'base64').toString(
    'utf8',
  );
  const link = /https?:\/\/\S+\/pickup\/#\S+/.exec(body)?.[0];
  if (!link) throw new Error('the notice has no pickup link');
  return link;
}

/** Clicks "Sign in with …" and signs in as `login` in the pop-up the portal opens. */
async function signInInPopup(page: Page, login: string): Promise<void> {
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign in with Mailbox Login' }).click(),
  ]);
  await popup.getByLabel('Account').fill(login);
  await popup.screenshot({ path: join(ARTIFACTS, `sign-in-provider-${login}.png`) });
  await popup.getByRole('button', { name: 'Sign in' }).click();
  await popup.waitForEvent('close', { timeout: 20_000 });
}

test('notice by SMTP, sign-in in the pop-up, read and download, reply with attachment, sender reads the reply', async () => {
  const token = `signin-${RUN}`;
  const report = randomBytes(600_000);
  const sent = await sendSecurely(token, [{ name: 'report.pdf', type: 'application/pdf', data: report }]);
  const link = await linkFromMailbox(token);
  expect(link).toBe(sent.pickupUrl);

  const page = await browser.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(link);
  // A sign-in recipient is offered no code.
  await page.getByRole('button', { name: 'Sign in with Mailbox Login' }).waitFor();
  expect(await page.getByLabel('Your email address').count()).toBe(0);
  await page.screenshot({ path: join(ARTIFACTS, 'sign-in-1-offer.png') });

  await signInInPopup(page, 'someone');
  await page.getByTestId('subject').waitFor();
  expect(await page.getByTestId('subject').textContent()).toBe(`Test results ${token}`);
  await page
    .frameLocator('iframe[title="Message body"]')
    .getByText('Your test results are attached.')
    .waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-0').click(),
  ]);
  expect(readFileSync((await download.path())!).equals(report)).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'sign-in-2-message.png'), fullPage: true });

  const signed = randomBytes(90_000);
  await page.getByTestId('reply-text').fill(`Signed and returned ${token}`);
  await page
    .getByTestId('reply-files')
    .setInputFiles({ name: 'signed.pdf', mimeType: 'application/pdf', buffer: signed });
  await page.getByRole('button', { name: 'Send secure reply' }).click();
  await page.getByText('Your reply was encrypted and sent').waitFor();

  const senderPage = await browser.newPage();
  await senderPage.goto(sent.senderUrl);
  await senderPage.getByTestId('reply-body').waitFor();
  expect(await senderPage.getByTestId('reply-body').textContent()).toBe(`Signed and returned ${token}`);
  const [replyDownload] = await Promise.all([
    senderPage.waitForEvent('download'),
    senderPage.getByTestId('reply').getByTestId('download-0').click(),
  ]);
  expect(readFileSync((await replyDownload.path())!).equals(signed)).toBe(true);
  await senderPage.screenshot({ path: join(ARTIFACTS, 'sign-in-3-sender-reads-reply.png'), fullPage: true });

  expect(cspViolations).toEqual([]);
  // Nothing crossed the recipient's route but the notice: no code was mailed.
  expect(
    await mailArrives(
      bed.mailDir,
      (mail) => mail.includes(SENDER.name) && mail.includes('Your code is'),
      1000,
    ),
  ).toBe(false);
}, 120_000);

test('signing in with an account that is not the recipient: the page says which account and what to do', async () => {
  const token = `signin-wrong-${RUN}`;
  await sendSecurely(token, []);
  // Another person at this browser: nobody is signed in at the provider any more.
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(await linkFromMailbox(token));
  await signInInPopup(page, 'stranger');
  await page
    .getByText('The account you signed in with at Mailbox Login is not the address this message was sent to')
    .waitFor();
  await page.screenshot({ path: join(ARTIFACTS, 'sign-in-4-wrong-account.png') });
  expect(await page.getByTestId('subject').count()).toBe(0);
}, 60_000);

test('a blocked pop-up: the page says to allow pop-ups for it', async () => {
  const token = `signin-blocked-${RUN}`;
  await sendSecurely(token, []);
  const page = await browser.newPage();
  // What a pop-up blocker does to the page: window.open gives no window.
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await page.goto(await linkFromMailbox(token));
  await page.getByRole('button', { name: 'Sign in with Mailbox Login' }).click();
  await page.getByText('Your browser blocked the sign-in window. Allow pop-ups for this page').waitFor();
}, 60_000);

test("the page waiting for a sign-in heeds only its own message's outcome: another message's and malformed posts are ignored", async () => {
  const token = `signin-channel-${RUN}`;
  const sent = await sendSecurely(token, []);
  // Nobody signed in at the provider, so that the pop-up stays at its form.
  await browser.clearCookies();
  const page = await browser.newPage();
  await page.goto(await linkFromMailbox(token));
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.getByRole('button', { name: 'Sign in with Mailbox Login' }).click(),
  ]);
  await page.getByText('Finish signing in with Mailbox Login in the window that opened').waitFor();
  // Another portal page posts on the channel, in order: what is not an outcome, another message's failure, and
  // then this message's own. The page must show its own only.
  const other = await browser.newPage();
  await other.goto(`${server.url}/pickup/`);
  await other.evaluate(
    ({ id }) => {
      const channel = new BroadcastChannel('sendguard-pickup-sign-in');
      for (const data of [
        null,
        'signedIn',
        { failed: 'gone', messageId: 'AAAAAAAAAAAAAAAAAAAAAA' },
        { failed: 'gone' },
        { failed: 'cancelled', messageId: id },
      ])
        channel.postMessage(data);
      channel.close();
    },
    { id: sent.id },
  );
  await page.getByText('The sign-in at Mailbox Login was cancelled').waitFor();
  expect(await page.getByText('This message is no longer available').count()).toBe(0);
  await popup.close();
}, 60_000);
