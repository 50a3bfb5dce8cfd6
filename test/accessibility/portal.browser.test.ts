/**
 * The pickup portal in real Chromium against the escrow service with API tokens required: every step a
 * recipient sees passes axe-core (WCAG 2.1 A/AA and best practices, no serious or critical violation) in the
 * light and the dark colour scheme, and a passcode pickup is completed from the keyboard alone.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { EscrowedMessage } from '../../src/addin/protect/escrow/escrow-message';
import type { EscrowRecipient } from '../../src/core/escrow/wire';
import { launchChromium } from '../helpers/chromium';
import { expectAccessible, expectKeyboardWalk, stopLine, tabTo } from '../helpers/axe';
import {
  escrowSample,
  recordingMailer,
  signInByDomain,
  startEscrowServer,
  type EscrowServer,
} from '../escrow/harness';
import { ensurePortalBuilt } from '../escrow/portal-build';
import { shownTheme } from './theme';

const PASSCODE = 'river stone 8';
/**
 * The sender's HTML, in a frame where no script runs (sandbox without allow-scripts): axe cannot run in it (a
 * script injected there never answers), and its content is the sender's, not the portal's. The frame element's
 * own name is checked by the keyboard walk.
 */
const BODY_FRAME = 'iframe[title="Message body"]';
const PAT = 'pat@plainmail.test';
const ANN = 'ann@contoso.test';

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
  browser = await launchChromium({ viewport: { width: 1000, height: 900 } });
}, 170_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A message with a link and an attachment, so that the opened view shows both. */
function escrow(recipients: EscrowRecipient[]): Promise<EscrowedMessage> {
  return escrowSample(server, {
    message: {
      subject: 'Claim 4711',
      html: '<p>Your claim was approved. <a href="https://insurer.example/claims">Your claims</a></p>',
      text: '',
      attachments: [{ name: 'decision.txt', type: 'text/plain', data: new Blob(['Approved.\n']) }],
    },
    recipients,
    passcode: PASSCODE,
  });
}

async function themedPage(scheme: 'light' | 'dark'): Promise<Page> {
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: scheme });
  return page;
}

describe.each(['light', 'dark'] as const)('the pickup portal, %s', (scheme) => {
  test('the landing, the proof choice, the code and passcode forms with an error, the opened message, a reply, the sender’s view', async () => {
    const codeOnly = await escrow([{ address: PAT, proof: 'passcode' }]);
    const page = await themedPage(scheme);
    await page.goto(codeOnly.pickupUrl);
    await page.getByLabel('Your email address').waitFor();
    await expect(shownTheme(page)).resolves.toBe(scheme);
    await expectAccessible(page, `landing, ${scheme}`);

    await page.getByLabel('Your email address').fill(PAT);
    await page.getByRole('button', { name: 'Email me a code' }).click();
    await page.getByLabel('Code from the email').fill('000000');
    await page.getByRole('button', { name: 'Open message' }).click();
    await page.getByRole('button', { name: 'Open message' }).and(page.locator(':enabled')).waitFor();
    await expectAccessible(page, `code form with its error, ${scheme}`);

    await page.getByLabel('Code from the email').fill(mailer.codeFor(PAT));
    await page.getByRole('button', { name: 'Open message' }).click();
    await page.getByLabel('Passcode').fill('not it');
    await page.getByRole('button', { name: 'Open message' }).click();
    await page.getByText('That passcode is not right.').waitFor();
    await expectAccessible(page, `passcode form with its error, ${scheme}`);

    await page.getByLabel('Passcode').fill(PASSCODE);
    await page.getByRole('button', { name: 'Open message' }).click();
    await page.getByTestId('subject').waitFor();
    await page.getByText('decision.txt').waitFor();
    await expectAccessible(page, `opened message, ${scheme}`, { exclude: [BODY_FRAME] });
    // The sender's mail stays on white in either theme: its own dark text would not read on the dark page.
    const frameBackground = await page
      .locator(BODY_FRAME)
      .evaluate(
        (frame) =>
          getComputedStyle((frame as HTMLIFrameElement).contentDocument!.documentElement).backgroundColor,
      );
    expect(frameBackground).toBe('rgb(255, 255, 255)');

    await page.getByLabel('Reply securely').fill('Thank you.');
    await page.getByRole('button', { name: 'Send secure reply' }).click();
    await page.getByText('Your reply was encrypted and sent.').waitFor({ timeout: 30_000 });
    await expectAccessible(page, `a reply sent, ${scheme}`, { exclude: [BODY_FRAME] });
    await page.close();

    // The sender's own link: the message and the reply.
    const sender = await themedPage(scheme);
    await sender.goto(codeOnly.senderUrl);
    await sender.getByTestId('reply-body').waitFor({ timeout: 30_000 });
    await expectAccessible(sender, `the sender's link with a reply, ${scheme}`, { exclude: [BODY_FRAME] });
    await sender.close();

    const choice = await escrow([
      { address: ANN, proof: 'sign-in' },
      { address: PAT, proof: 'passcode' },
    ]);
    const chooser = await themedPage(scheme);
    await chooser.goto(choice.pickupUrl);
    await chooser.getByRole('button', { name: 'Sign in with Microsoft' }).waitFor();
    await chooser.getByLabel('Your email address').waitFor();
    await expectAccessible(chooser, `proof choice, ${scheme}`);
    await chooser.close();
  }, 90_000);
});

test('a passcode pickup from the keyboard alone: every control reached, named and visibly focused', async () => {
  const sent = await escrow([{ address: PAT, proof: 'passcode' }]);
  const page = await themedPage('light');
  await page.goto(sent.pickupUrl);
  await page.getByLabel('Your email address').waitFor();

  const landing = await expectKeyboardWalk(page, 'landing');
  expect(landing.stops.map(stopLine)).toEqual(['textbox "Your email address"', 'button "Email me a code"']);
  // Tab to the address, type it, Enter submits the form: no mouse anywhere below.
  await page.keyboard.press('Tab');
  await page.keyboard.type(PAT);
  await page.keyboard.press('Enter');
  await page.getByLabel('Code from the email').waitFor();

  const codeStep = await expectKeyboardWalk(page, 'code step');
  expect(codeStep.stops.map(stopLine)).toEqual([
    'textbox "Code from the email"',
    'button "Open message"',
    'button "Use another address or get a new code"',
  ]);
  await page.keyboard.press('Tab');
  await page.keyboard.type(mailer.codeFor(PAT));
  await page.keyboard.press('Enter');
  await page.getByLabel('Passcode').waitFor();

  await page.keyboard.press('Tab');
  await page.keyboard.type('not it');
  await page.keyboard.press('Enter');
  await page.getByText('That passcode is not right.').waitFor();
  const passcodeStep = await expectKeyboardWalk(page, 'passcode step');
  expect(passcodeStep.stops.map(stopLine)).toEqual(['textbox "Passcode"', 'button "Open message"']);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(PASSCODE);
  await page.keyboard.press('Enter');
  await page.getByTestId('subject').waitFor();

  // The sender's link, inside the frame: reached with Tab, and Enter asks before leaving the page.
  await tabTo(page, /^link "Your claims"/);
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Open this link?' }).waitFor();
  await expectAccessible(page, 'the link warning', { exclude: [BODY_FRAME] });
  await expectKeyboardWalk(page, 'the link warning', { within: '[role="dialog"]' });
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });

  const opened = await expectKeyboardWalk(page, 'opened message');
  expect(opened.stops.map(stopLine)).toEqual(
    expect.arrayContaining([
      'link "Your claims"',
      'button "Download decision.txt"',
      'textbox "Reply securely"',
      'button "Send secure reply"',
    ]),
  );
  await page.close();
}, 60_000);
