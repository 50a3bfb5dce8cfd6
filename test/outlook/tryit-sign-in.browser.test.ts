/**
 * Signing in as in Microsoft 365, end to end: `sendguard serve` (the built command, authentication on: Entra
 * tokens only, no API tokens, no development mode) trusting a real OpenID Connect provider configured like
 * Entra, and the try-it page in Chromium whose simulated Outlook offers nested app authentication (or, where
 * it does not, Office SSO) backed by that provider. The real pane and the real send handler get their tokens
 * through MSAL and the bridge (or Office.auth); without a token the service accepts — nobody signed in, an
 * expired token, a token for another API — the send is blocked with the sign-in reason, without any prompt, and
 * the pane offers Sign in. Where neither can sign the sender in, the pane's Sign in opens the production sign-in
 * window (/addin/signin.html) through the simulated Office dialog API, and MSAL there signs in at the provider
 * over HTTPS with the authorization code flow and PKCE, through its login form.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../helpers/chromium';
import { startEntraProvider, type EntraProvider } from '../helpers/entra-provider';
import { bedServerSettings } from '../helpers/bed-services';
import { testbed } from '../helpers/testbed';
import { PANE_ONLY_SIGN_IN } from '../../src/addin/ui/SignInOffer';
import { OUTLOOK_WEB_CLIENT } from '../../src/outlook/tryit/simulated-sso';
import { ARTIFACTS, launchBrowser } from './browser';
import { buildOutlook } from './built-addin';
import { OFFICE_JS_CDN } from './office-js-offline';
import { buildService, startServe, type ServeProcess } from './sendguard-serve';
import { badge, compose, send } from './try-page';

const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';
const ANN = 'ann@dane-ee.sendguard.test';
const DEE = 'dee@null-mx.sendguard.test';
const SENDER = { oid: randomUUID(), address: 'sam@example.gov', name: 'Sam Sender' };
const SIGN_IN_REASON = 'Open Sendguard to sign in';

let entra: EntraProvider;
let service: ServeProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

/** Asks (as the sender) until every check has finished, so the page sees settled verdicts. */
async function warm(): Promise<void> {
  const token = await entra.delegatedToken({ oid: SENDER.oid, preferredUsername: SENDER.address });
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${service.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ recipients: [ANN, DEE] }),
    });
    if (response.status !== 200)
      throw new Error(`warming up: HTTP ${response.status}: ${await response.text()}`);
    if (!((await response.json()) as { partial: boolean }).partial) return;
  }
  throw new Error('the bed did not settle');
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildOutlook();
  buildService();
  const bed = testbed();
  const clientId = randomUUID();
  entra = await startEntraProvider({
    tenantId: randomUUID(),
    clientId,
    resource: `api://sendguard.test/${clientId}`,
    // Office SSO tokens are issued to Office's own client (here Outlook on the web's), which the service accepts.
    otherClients: [OUTLOOK_WEB_CLIENT],
  });
  service = await startServe((dataDir) =>
    bedServerSettings(bed, dataDir, {
      tls: { enabled: false },
      logLevel: 'warn',
      auth: { entra: entra.serviceSettings, apiTokens: false, devNoAuth: false },
      limits: { assessDeadlineMs: 3000 },
      // The try-it page's stand-in for Outlook asks the provider on loopback for tokens: a test's switch.
      tryIt: { simulatedSignIn: true },
    }),
  );
  await warm();
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await entra?.close();
});

/**
 * The try-it page signing in through the provider: by nested app authentication (`naa`, the default) or by
 * Office SSO (`sso`); `params` add to its query.
 */
async function openTry(
  params: Record<string, string>,
  way: 'naa' | 'sso' = 'naa',
  base = service.base,
): Promise<Page> {
  const page = await browser.context.newPage();
  const query = new URLSearchParams({ [way]: entra.tokenEndpoint, sender: SENDER.address, ...params });
  await page.goto(`${base}/try/?${query}`);
  return page;
}

/**
 * Tokens live in memory only: nothing the page keeps — local and session storage, cookies, the names of its
 * IndexedDB databases (MSAL's own cache would be one) — holds a JWT (an access or ID token), nor does MSAL keep a
 * database.
 */
async function expectNoStoredToken(page: Page): Promise<void> {
  const kept = await page.evaluate(async () => ({
    storage: [localStorage, sessionStorage].flatMap((storage) =>
      Object.keys(storage).map((key) => `${key}=${storage.getItem(key)}`),
    ),
    databases: (await indexedDB.databases()).map((database) => database.name ?? ''),
  }));
  const cookies = (await page.context().cookies()).map((cookie) => `${cookie.name}=${cookie.value}`);
  expect([...kept.storage, ...cookies].filter((entry) => entry.includes('eyJ'))).toEqual([]);
  expect(kept.databases.filter((name) => /msal/i.test(name))).toEqual([]);
}

/** Writes to Ann with an IBAN (forced TLS is the plan) and presses Send: refused for want of a sign-in. */
async function expectSignInRefusal(page: Page, ...words: string[]): Promise<void> {
  await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
  const refused = await send(page);
  expect(refused).toContain('Not sent.');
  for (const word of [...words, SIGN_IN_REASON]) expect(refused).toContain(word);
  // The send handler never asks for the host's sign-in prompt.
  expect(await bridgeAsked(page)).not.toContain('GetTokenPopup');
}

/** The methods the page's MSAL instances (pane and send handler) asked the simulated host's bridge. */
const bridgeAsked = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { nestedAppAuthBridge: { asked: string[] } }).nestedAppAuthBridge.asked,
  );

/** The pane's offer to sign in, with the reason the check failed. */
async function signInOffered(page: Page, reason: string): Promise<void> {
  const pane = page.locator('#pane');
  await pane.getByRole('button', { name: 'Sign in' }).waitFor();
  await expect(pane.getByRole('alert').textContent()).resolves.toContain(reason);
}

describe('signing in through nested app authentication, against `sendguard serve` with Entra sign-in', () => {
  test('signed in to Outlook: the pane lists each recipient’s protection, the send check tags or blocks per plan', async () => {
    const page = await openTry({ user: SENDER.oid, name: SENDER.name });
    await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
    await badge(page, ANN, 'Forced TLS · authenticated');
    // Who the service took the token's holder to be: the user the host signed in, by name and mailbox.
    await page.locator('#pane').getByText(`Signed in as ${SENDER.name} (${SENDER.address})`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'signed-in.png'), fullPage: true });
    const sent = await send(page);
    expect(sent).toContain('Sent.');
    expect(sent).toContain('Subject: #secure# Refund');

    await expectNoStoredToken(page);

    await compose(page, { to: `${ANN}, ${DEE}`, body: IBAN_BODY, subject: 'Refund' });
    await badge(page, DEE, 'Blocked');
    const refused = await send(page);
    expect(refused).toContain('Not sent.');
    expect(refused).toContain(DEE);
    expect(refused).not.toContain(SIGN_IN_REASON);
    await page.close();
  });

  test('nobody signed in: the send is blocked with the sign-in reason; Sign in in the pane, then it goes', async () => {
    const page = await openTry({ signin: SENDER.oid, name: SENDER.name });
    await signInOffered(page, 'You are not signed in to the Sendguard service');
    await expectSignInRefusal(page, 'You are not signed in to the Sendguard service');
    await page.screenshot({ path: join(ARTIFACTS, 'sign-in-offered.png'), fullPage: true });

    await page.locator('#pane').getByRole('button', { name: 'Sign in' }).click();
    await badge(page, ANN, 'Forced TLS · authenticated');
    expect((await bridgeAsked(page)).filter((method) => method === 'GetTokenPopup')).toHaveLength(1);
    await page.locator('#pane').getByText(`Signed in as ${SENDER.name} (${SENDER.address})`).waitFor();
    const sent = await send(page);
    expect(sent).toContain('Sent.');
    expect(sent).toContain('Subject: #secure# Refund');
    await page.close();
  });

  test('nobody signed in and the sign-in closed: still blocked, and the pane says the sign-in did not work', async () => {
    const page = await openTry({});
    await signInOffered(page, 'You are not signed in to the Sendguard service');
    await expectSignInRefusal(page, 'You are not signed in to the Sendguard service');
    await page.locator('#pane').getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#pane').getByText('The sign-in did not work: the sign-in was closed').waitFor();
    expect(await send(page)).toContain(SIGN_IN_REASON);
    await page.close();
  });

  test('consent missing (the host answers "user interaction required"): blocked with the sign-in reason, no prompt; Sign in, then it goes', async () => {
    const page = await openTry({
      user: SENDER.oid,
      signin: SENDER.oid,
      name: SENDER.name,
      naaFault: 'interaction',
    });
    await signInOffered(page, 'You are not signed in to the Sendguard service');
    await expectSignInRefusal(page);
    expect(await bridgeAsked(page)).toContain('GetToken');

    await page.locator('#pane').getByRole('button', { name: 'Sign in' }).click();
    await badge(page, ANN, 'Forced TLS · authenticated');
    expect((await bridgeAsked(page)).filter((method) => method === 'GetTokenPopup')).toHaveLength(1);
    const sent = await send(page);
    expect(sent).toContain('Sent.');
    expect(sent).toContain('Subject: #secure# Refund');
    await page.close();
  });

  test('the host without a network: blocked with the sign-in reason, no prompt', async () => {
    const page = await openTry({ user: SENDER.oid, name: SENDER.name, naaFault: 'network' });
    await expectSignInRefusal(page, 'network');
    await page.close();
  });

  test.each([
    ['an expired token', { lifetime: '-600' }],
    ['a token for another API', { resource: 'api://another-api.example/payroll' }],
  ])(
    '%s: the service refuses it, the send is blocked with the sign-in reason, the pane offers Sign in',
    async (_, fault) => {
      const page = await openTry({ user: SENDER.oid, ...fault });
      await signInOffered(page, 'The Sendguard service refused your sign-in. Sign in again');
      await expectSignInRefusal(page, 'did not accept this add-in’s sign-in', 'HTTP 401');
      await page.close();
    },
  );
});

describe('signing in through Office SSO, where nested app authentication is not supported', () => {
  /** Whether each call to the simulated `Office.auth.getAccessToken` allowed a prompt. */
  const ssoAsked = (page: Page) =>
    page.evaluate(() => (window as unknown as { Office: { auth: { asked: string[] } } }).Office.auth.asked);

  test('signed in to Outlook: the token Office SSO gives is accepted, the send check tags per plan, nothing prompted', async () => {
    const page = await openTry({ user: SENDER.oid, name: SENDER.name }, 'sso');
    await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
    await badge(page, ANN, 'Forced TLS · authenticated');
    await page.locator('#pane').getByText(`Signed in as ${SENDER.name} (${SENDER.address})`).waitFor();
    const sent = await send(page);
    expect(sent).toContain('Subject: #secure# Refund');
    expect(await ssoAsked(page)).not.toContain('prompt');
    // The send check's requests at once shared one call: Office refuses a call while another runs (13008).
    expect(await ssoAsked(page)).not.toContain('overlapping');
    await expectNoStoredToken(page);
    await page.close();
  });

  test('nobody signed in: blocked with the sign-in reason, never a prompt; Sign in prompts once, then it goes', async () => {
    const page = await openTry({ signin: SENDER.oid, name: SENDER.name }, 'sso');
    await signInOffered(page, 'You are not signed in to the Sendguard service');
    await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
    const refused = await send(page);
    // The plain cause; Office's own words ('The user is not signed in to Office', 13001) go to the failure log.
    expect(refused).toContain('not signed in to Outlook, or the sign-in expired');
    expect(refused).not.toContain('13001');
    expect(refused).toContain(SIGN_IN_REASON);
    expect(await ssoAsked(page)).not.toContain('prompt');

    await page.locator('#pane').getByRole('button', { name: 'Sign in' }).click();
    await badge(page, ANN, 'Forced TLS · authenticated');
    expect((await ssoAsked(page)).filter((asked) => asked === 'prompt')).toHaveLength(1);
    expect(await send(page)).toContain('Sent.');
    await page.close();
  });
});

describe('signing in through the sign-in window (Office dialog API), where neither NAA nor Office SSO can', () => {
  /** A provider over HTTPS (MSAL's authority must be), signing the sender in in a browser, and a service trusting it. */
  let loginEntra: EntraProvider;
  let dialogService: ServeProcess;
  /** Its own browser: it accepts the provider's self-signed certificate, and answers Office.js for the dialog. */
  let context: BrowserContext;

  beforeAll(async () => {
    const clientId = randomUUID();
    loginEntra = await startEntraProvider({
      tenantId: randomUUID(),
      clientId,
      resource: `api://sendguard.test/${clientId}`,
      tls: true,
      signIn: {
        redirectUri: 'http://127.0.0.1/addin/signin.html',
        users: [{ oid: SENDER.oid, preferredUsername: SENDER.address, name: SENDER.name }],
      },
    });
    dialogService = await startServe((dataDir) =>
      bedServerSettings(testbed(), dataDir, {
        tls: { enabled: false },
        logLevel: 'warn',
        // The service reads the provider's keys from their file: it need not trust the certificate.
        auth: {
          entra: { ...loginEntra.serviceSettings, jwksUri: loginEntra.jwksFileUri },
          apiTokens: false,
          devNoAuth: false,
        },
        limits: { assessDeadlineMs: 3000 },
      }),
    );
    context = await launchChromium({ ignoreHTTPSErrors: true, viewport: { width: 1000, height: 900 } });
    // The sign-in window's Office.js is the simulated Outlook's, as the try-it page's own Office is.
    const dialogOffice = await (await fetch(`${dialogService.base}/try/dialog-office.js`)).text();
    await context.route(`${OFFICE_JS_CDN}office.js`, (route) =>
      route.fulfill({ contentType: 'text/javascript', body: dialogOffice }),
    );
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await dialogService?.stop();
    await loginEntra?.close();
  });

  test('Sign in opens /addin/signin.html, which signs in with the authorization code flow and PKCE and hands the token back; the pane then checks', async () => {
    const page = await context.newPage();
    await page.goto(`${dialogService.base}/try/?${new URLSearchParams({ sender: SENDER.address })}`);
    await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
    await signInOffered(page, 'You are not signed in to the Sendguard service');

    const opened = context.waitForEvent('page');
    await page.locator('#pane').getByRole('button', { name: 'Sign in' }).click();
    const dialog = await opened;
    // The provider's login form and consent page, as the sender meets Microsoft's.
    await dialog.locator('input[name="login"]').fill(SENDER.oid);
    await dialog.locator('input[name="password"]').fill('any password');
    await dialog.getByRole('button', { name: 'Sign-in' }).click();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    // Back on signin.html, MSAL redeems the code; the page hands the token over and the pane closes the window.
    await dialog.waitForEvent('close');

    await badge(page, ANN, 'Forced TLS · authenticated');
    await page.locator('#pane').getByText(`Signed in as ${SENDER.name} (${SENDER.address})`).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'signed-in-dialog.png'), fullPage: true });
    // The window's token is the pane's alone: the pane says so, and the send check, which cannot have it, stops the
    // message for want of a sign-in rather than let it go unchecked.
    await page.locator('#pane').getByText(PANE_ONLY_SIGN_IN).waitFor();
    const refused = await send(page);
    expect(refused).toContain('Not sent.');
    expect(refused).toContain(SIGN_IN_REASON);
    await expectNoStoredToken(page);
    await page.close();
  });
});

describe('the simulated sign-in off (the default: tryIt.simulatedSignIn not set)', () => {
  test('the page says so, installs no simulated sign-in, and the send is blocked for want of one', async () => {
    const bed = testbed();
    const plain = await startServe((dataDir) =>
      bedServerSettings(bed, dataDir, {
        tls: { enabled: false },
        logLevel: 'warn',
        auth: { entra: entra.serviceSettings, apiTokens: false, devNoAuth: false },
      }),
    );
    try {
      for (const way of ['naa', 'sso'] as const) {
        const page = await openTry({ user: SENDER.oid, name: SENDER.name }, way, plain.base);
        await page
          .getByRole('note')
          .getByText('The simulated sign-in is off on this Sendguard service')
          .waitFor();
        const installed = await page.evaluate(() => ({
          bridge: 'nestedAppAuthBridge' in window,
          sso: 'auth' in (window as unknown as { Office: object }).Office,
        }));
        expect(installed).toEqual({ bridge: false, sso: false });
        await compose(page, { to: ANN, body: IBAN_BODY, subject: 'Refund' });
        expect(await send(page)).toContain(SIGN_IN_REASON);
        await page.close();
      }
    } finally {
      await plain.stop();
    }
  });
});
