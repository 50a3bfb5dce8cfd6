/**
 * The recipient's page with per-recipient proofs, in real Chromium: after a right code it asks for the passcode
 * only when the service says this recipient needs it, and a message no recipient may get a code for offers no
 * code form.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import type { EscrowRecipient } from '../../src/core/escrow/wire';
import { launchChromium } from '../helpers/chromium';
import {
  escrowSample,
  recordingMailer,
  signInByDomain,
  startEscrowServer,
  type EscrowServer,
} from './harness';
import { ensurePortalBuilt } from './portal-build';

const PASSCODE = 'river stone 8';

let server: EscrowServer;
let browser: BrowserContext;
const mailer = recordingMailer();

beforeAll(async () => {
  await ensurePortalBuilt();
  server = await startEscrowServer({
    mailer,
    config: { perIp: { max: 500, windowMs: 60_000 } },
    signIn: signInByDomain({ 'contoso.test': { provider: 'microsoft', label: 'Microsoft' } }),
  });
  browser = await launchChromium();
}, 170_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function escrow(recipients: EscrowRecipient[], passcode?: string): Promise<EscrowedMessage> {
  const message = {
    subject: 'Claim 4711',
    html: '<p>Your claim was approved.</p>',
    text: '',
    attachments: [],
  };
  return escrowSample(server, { message, recipients, ...(passcode ? { passcode } : {}) });
}

/** Opens the link and gives the code the service mailed to `address`. */
async function codeStep(link: string, address: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(link);
  await page.getByLabel('Your email address').fill(address);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').waitFor();
  await page.getByLabel('Code from the email').fill(mailer.codeFor(address));
  await page.getByRole('button', { name: 'Open message' }).click();
  return page;
}

test('a passcode recipient is asked for the passcode after the code; a code recipient of the same message is not', async () => {
  const sent = await escrow(
    [
      { address: 'pat@plainmail.test', proof: 'passcode' },
      { address: 'bob@verified.test', proof: 'code' },
    ],
    PASSCODE,
  );
  const pat = await codeStep(sent.pickupUrl, 'pat@plainmail.test');
  await pat.getByLabel('Passcode').fill('not it');
  await pat.getByRole('button', { name: 'Open message' }).click();
  await pat.getByText('That passcode is not right.').waitFor();
  await pat.getByLabel('Passcode').fill(PASSCODE);
  await pat.getByRole('button', { name: 'Open message' }).click();
  await pat.getByTestId('subject').waitFor();
  expect(await pat.getByTestId('subject').textContent()).toBe('Claim 4711');

  const bob = await codeStep(sent.pickupUrl, 'bob@verified.test');
  await bob.getByTestId('subject').waitFor();
  expect(await bob.getByLabel('Passcode').count()).toBe(0);
}, 60_000);

test('a message whose recipients all sign in offers no code form', async () => {
  const sent = await escrow([{ address: 'ann@contoso.test', proof: 'sign-in' }]);
  const page = await browser.newPage();
  await page.goto(sent.pickupUrl);
  await page.getByText('sent you an encrypted message').waitFor();
  expect(await page.getByLabel('Your email address').count()).toBe(0);
}, 30_000);

test('beside sign-in buttons the address step says that addresses that sign in get no code', async () => {
  const sent = await escrow([
    { address: 'ann@contoso.test', proof: 'sign-in' },
    { address: 'bob@verified.test', proof: 'code' },
  ]);
  const page = await browser.newPage();
  await page.goto(sent.pickupUrl);
  await page.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
  expect(await page.getByText('If your email account is with Microsoft, use the sign-in above').count()).toBe(
    1,
  );
  expect(await page.getByText('no code is emailed to addresses that sign in').count()).toBe(1);

  await page.close();

  // A new page: the same page would take another link's fragment as a move within itself.
  const codeOnly = await escrow([{ address: 'bob@verified.test', proof: 'code' }]);
  const plain = await browser.newPage();
  await plain.goto(codeOnly.pickupUrl);
  await plain.getByLabel('Your email address').waitFor();
  expect(await plain.getByText('We email you a one-time code.').count()).toBe(1);
  expect(await plain.getByText('no code is emailed').count()).toBe(0);
  await plain.close();
}, 30_000);
