/**
 * The admin console end to end: `sendguard serve` (the built command, API tokens required, no development mode)
 * on the offline bed, the try-it page's real send checks writing decision records, and the console in Chromium.
 * An admin token reaches every page and each renders its content; a sender's token is refused with the reason;
 * the send checks appear in the overview's table; each table's CSV download is exactly its rows; the sign-in and
 * the overview work from the keyboard. Screenshots go to artifacts/issue21/ at the repository's root.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DecisionOverview } from '../../src/core/decisions/overview';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { expectKeyboardWalk, stopLine, tabWalk } from '../helpers/axe';
import { deployedBedSettings } from '../helpers/bed-services';
import { launchChromium } from '../helpers/chromium';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';
import { testbed } from '../helpers/testbed';
import { ROOT, buildOutlook } from '../outlook/built-addin';
import { buildService, startServe, type ServeProcess } from '../outlook/sendguard-serve';
import { compose, send } from '../outlook/try-page';
import { buildConsole } from './built-console';
import {
  arrowGroupMembers,
  downloadCsv,
  openTab,
  parseCsv,
  signInByKeyboard,
  tableCells,
} from './console-page';

const ARTIFACTS = join(ROOT, 'artifacts', 'issue21');
const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';
const ANN = 'ann@dane-ee.sendguard.test';
const BO = 'bo@tls-valid.sendguard.test';
const DEE = 'dee@null-mx.sendguard.test';
const ADMIN_NAME = 'Console admin';
const NOT_ADMIN = 'This token does not have the admin role';

const OVERVIEW_TABLES = [
  'Recipients per day by protection',
  'Domains blocked or sent by secure pickup most',
  'Recipient domains by their latest transport verdict',
  'External recipients with a valid OpenPGP key',
];

let service: ServeProcess;
let context: BrowserContext;
let page: Page;
let adminToken: string;
let senderToken: string;
/** What the console's page logged as errors: a refusal by its content security policy would show here. */
const consoleErrors: string[] = [];

async function api<T>(path: string, token = adminToken): Promise<T> {
  const response = await fetch(`${service.base}/api/v1${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Asks as the sender until every check has finished, so the try-it page sees settled verdicts. */
async function warm(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${service.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${senderToken}` },
      body: JSON.stringify({ recipients: [ANN, BO, DEE] }),
    });
    if (response.status !== 200) throw new Error(`warming up: HTTP ${response.status}`);
    if (!((await response.json()) as { partial: boolean }).partial) return;
  }
  throw new Error('the bed did not settle');
}

async function screenshot(name: string, shown: Page = page): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await shown.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  buildOutlook();
  buildConsole();
  buildService();
  const bed = testbed();
  // As an admin deploys it: the tokens issued into the service's store before it starts.
  const dataDir = scratchDir('console');
  const store = openSqliteStore(dataDir);
  [{ token: adminToken }, { token: senderToken }] = await Promise.all([
    issueApiToken(store.tokens, { name: ADMIN_NAME, role: 'admin' }),
    issueApiToken(store.tokens, {
      name: 'Sam',
      role: 'sender',
      owner: { name: 'Sam Sender', address: 'sam@example.gov' },
    }),
  ]).finally(() => store.close());
  service = await startServe(() => deployedBedSettings(bed, dataDir));
  stopAtFileEnd(service.stop);
  await warm();
  context = await launchChromium({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  stopAtFileEnd(() => context.close());
  page = await context.newPage();
  // A wait that fails names what it waited for, well within the test's own time-out.
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
}, 600_000);

describe('the admin console against `sendguard serve` with API tokens', () => {
  test('sign-in from the keyboard: a sender token is refused with the reason, an admin token opens the console', async () => {
    await page.goto(`${service.base}/admin/`);
    await page.getByLabel('Admin API token').waitFor();
    // The empty form: the field is the one stop (Sign in is disabled until a token is typed).
    const empty = await expectKeyboardWalk(page, 'sign-in');
    expect(empty.stops.map(stopLine)).toEqual(['textbox "Admin API token"']);

    await page.keyboard.press('Tab');
    await page.keyboard.type(senderToken);
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Sign in');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain(NOT_ADMIN);
    await expect(page.evaluate(() => sessionStorage.getItem('sendguard-admin-token'))).resolves.toBeNull();
    const filled = await expectKeyboardWalk(page, 'sign-in, refused');
    expect(filled.stops.map(stopLine)).toEqual(['textbox "Admin API token"', 'button "Sign in"']);
    await screenshot('sign-in-refused-light');

    await signInByKeyboard(page, adminToken);
    await page.getByText(`Signed in as ${ADMIN_NAME}`).waitFor();
    await expect(page.evaluate(() => sessionStorage.getItem('sendguard-admin-token'))).resolves.toBe(
      adminToken,
    );
  });

  test('decision records from the try-it page’s real send checks appear in the overview’s tables', async () => {
    const tryPage = await context.newPage();
    await tryPage.goto(`${service.base}/try/?token=${senderToken}`);
    await tryPage.getByText('Send as usual').or(tryPage.getByRole('alert')).first().waitFor();
    for (const [to, said] of [
      [ANN, 'Sent.'],
      [BO, 'Sent.'],
      [DEE, 'Not sent.'],
    ] as const) {
      await compose(tryPage, { to, body: IBAN_BODY, subject: 'Refund' });
      expect(await send(tryPage)).toContain(said);
    }
    await tryPage.close();
    // The add-in reports after each decision without holding the send: the service has them once it answers 3.
    let overview: DecisionOverview | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      overview = await api<DecisionOverview>('/admin/overview?days=30');
      if (overview.days.reduce((sum, day) => sum + day.messages, 0) >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const today = new Date().toISOString().slice(0, 10);

    await openTab(page, 'Overview');
    await page.reload();
    const days = await tableCells(page, OVERVIEW_TABLES[0]!);
    expect(days[0]).toEqual([
      'Day (UTC)',
      'Messages',
      'Recipients: forced TLS',
      'Recipients: OpenPGP',
      'Recipients: secure pickup',
      'Recipients: blocked',
      'Recipients: plain mail',
      'Recipients: internal',
    ]);
    // Three messages today: two by forced TLS (Ann, Bo), one blocked (Dee's domain accepts no mail).
    expect(days.find((row) => row[0] === today)).toEqual([today, '3', '2', '0', '0', '1', '0', '0']);
    expect(days).toHaveLength(1 + overview!.days.length);

    expect(await tableCells(page, OVERVIEW_TABLES[1]!)).toEqual([
      ['Domain', 'Recipients blocked', 'Recipients by secure pickup', 'Recipients in all'],
      ['null-mx.sendguard.test', '1', '0', '1'],
    ]);
    const share = await tableCells(page, OVERVIEW_TABLES[2]!);
    expect(share.filter((row) => row[1] !== '0')).toEqual([
      ['Transport verdict', 'Domains'],
      ['no-mail', '1'],
      ['encrypted', '1'],
      ['authenticated', '1'],
    ]);
    expect(await tableCells(page, OVERVIEW_TABLES[3]!)).toEqual([
      ['External recipients with a valid key', 'External recipients', 'Share with a key'],
      ['0', '3', '0%'],
    ]);
    // The bars and arcs are painted in colours, not in palette tokens a browser cannot read (which paint black).
    const fills = await page
      .getByRole('main')
      .evaluate((main) =>
        [...main.querySelectorAll('svg rect[fill], svg path[fill]')].map((e) => e.getAttribute('fill')),
      );
    expect(fills.filter((fill) => fill?.startsWith('#')).length).toBeGreaterThan(0);
    expect(fills.filter((fill) => /^[a-z]+\.[a-z0-9]+$/i.test(fill ?? ''))).toEqual([]);
    await screenshot('overview-light');
  });

  test('each table’s Download CSV is exactly its rows (RFC 4180)', async () => {
    for (const caption of OVERVIEW_TABLES) {
      const { name, text } = await downloadCsv(page, caption);
      expect(name).toMatch(/^sendguard-[a-z-]+-30d\.csv$/);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(parseCsv(text)).toEqual(await tableCells(page, caption));
    }
  });

  test('the overview from the keyboard: tabs, period, every download; a new period asked for', async () => {
    const walk = await tabWalk(page);
    const lines = walk.stops.map(stopLine);
    expect(walk.stops.filter((stop) => !stop.name || stop.focusIndicator === false).map(stopLine)).toEqual(
      [],
    );
    // Not reached by Tab: only the other members of arrow-key groups (the tab list, the charts' legends).
    const grouped = await arrowGroupMembers(page);
    expect(walk.unreached.filter((element) => !grouped.includes(element))).toEqual([]);
    expect(lines.slice(0, 3)).toEqual(['button "Sign out"', 'tab "Overview"', 'combobox "Period"']);
    for (const caption of OVERVIEW_TABLES) expect(lines).toContain(`button "Download CSV of ${caption}"`);
    // The tab list from the keyboard: arrows move along it, Enter opens the page.
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('role'))).resolves.toBe('tab');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.location.hash === '#/domains');
    await page.getByRole('tab', { name: 'Domains' }).focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.location.hash === '#/overview');
    // The period from the keyboard: a new question to the service, the days table one row per day.
    await page.getByLabel('Period').focus();
    await page.getByLabel('Period').selectOption('7');
    await page.waitForFunction(
      (caption) =>
        document.querySelector(`table[aria-label="${caption}"]`)?.querySelectorAll('tbody tr').length === 7,
      OVERVIEW_TABLES[0],
    );
  });

  test('Domains: the full evidence report, when the verdict was first recorded, an override set and removed', async () => {
    await openTab(page, 'Domains');
    await page.getByLabel('Domain or address').fill(ANN);
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { name: 'Report for dane-ee.sendguard.test' }).waitFor();
    const main = page.getByRole('main');
    await main.getByText('authenticated', { exact: true }).first().waitFor();
    await main.getByRole('heading', { name: 'MX 10 mx.dane-ee.sendguard.test' }).waitFor();
    const mx = await tableCells(page, 'Addresses of MX 10 mx.dane-ee.sendguard.test');
    // The bed's Postfix that answers for mx.dane-ee (its address moves with the bed's shift).
    const [goodPostfix] = testbed().smtp.good!.split(':');
    expect(mx[1]).toEqual([
      goodPostfix,
      'authenticated',
      'offered',
      expect.stringMatching(/^TLSv1\.3 /),
      expect.stringMatching(/^trusted, names the host/),
      'DANE',
      expect.stringContaining('authenticated by DANE'),
    ]);
    await main.getByText('TLS-RPT: reports go to mailto:tlsrpt@dane-ee.sendguard.test').waitFor();
    await main.getByText(/^First recorded as authenticated on /).waitFor();
    await main.getByText('No override: the policy treats this domain by what its checks find.').waitFor();

    await page.getByLabel('Require at least').selectOption('end-to-end');
    await page
      .getByRole('textbox', { name: 'Note' })
      .fill('Health data partner: end to end only, agreed 3 May');
    await page.getByRole('button', { name: 'Set override' }).click();
    await main.getByText('Override for dane-ee.sendguard.test saved: the new policy is in force.').waitFor();
    await main
      .getByText(
        'Override for dane-ee.sendguard.test: messages need at least end to end (OpenPGP or secure pickup). ' +
          'Note: “Health data partner: end to end only, agreed 3 May”',
      )
      .waitFor();
    const policy = await api<{ text: string }>('/admin/policy');
    expect(policy.text).toContain('Health data partner: end to end only, agreed 3 May');
    await screenshot('domains-light');

    await page.getByRole('button', { name: 'Remove override' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Remove override' }).click();
    await main
      .getByText('Override for dane-ee.sendguard.test removed: the new policy is in force.')
      .waitFor();
    await main.getByText('No override: the policy treats this domain by what its checks find.').waitFor();
    expect((await api<{ text: string }>('/admin/policy')).text).not.toContain('Health data partner');
  });

  test('Tokens: issued (the secret shown once, with copy), listed, revoked after confirming', async () => {
    await openTab(page, 'Tokens');
    await page.getByLabel('Name').fill('Finance rollout');
    await page.getByLabel('Acts for').fill('Ana Example <ana@example.org>');
    await page.getByRole('button', { name: 'Issue token' }).click();
    const secret = await page.getByLabel('The new token').inputValue();
    expect(secret.length).toBeGreaterThan(30);
    await page.getByText('It is shown only this once').waitFor();
    // The secret works: the service knows whom it acts for.
    await expect(api<{ name: string; roles: string[] }>('/me', secret)).resolves.toMatchObject({
      name: 'Ana Example',
      roles: ['sender'],
    });
    const listed = await tableCells(page, 'API tokens');
    const row = listed.find((cells) => cells[0] === 'Finance rollout');
    expect(row?.slice(1, 3)).toEqual(['sender', 'Ana Example <ana@example.org>']);
    expect(row?.[4]).toBe('active');
    await screenshot('tokens-light');
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByLabel('The new token').count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Revoke Finance rollout' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke token' }).click();
    await page.getByText('The token “Finance rollout” is revoked').waitFor();
    const after = await tableCells(page, 'API tokens');
    expect(after.find((cells) => cells[0] === 'Finance rollout')?.[4]).toMatch(/^revoked /);
    const refused = await fetch(`${service.base}/api/v1/me`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);
  });

  test.each([
    ['Keys', 'keys', 'Organisation keyring'],
    ['Secure messages', 'messages', 'Secure messages'],
    ['Policy', 'policy', 'Edit'],
  ])('%s: the page opens and shows its content', async (tab, file, heading) => {
    await openTab(page, tab);
    await page.getByRole('main').getByRole('heading', { name: heading, exact: true }).waitFor();
    await expect(page.getByRole('main').getByText(NOT_ADMIN).count()).resolves.toBe(0);
    await page.getByRole('main').getByRole('progressbar').waitFor({ state: 'detached' });
    await screenshot(`${file}-light`);
  });

  test('a token revoked while the console is open: the next page returns to sign-in and says why', async () => {
    const issued = await fetch(`${service.base}/api/v1/admin/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ name: 'Second admin', role: 'admin' }),
    });
    const second = (await issued.json()) as { id: string; token: string };
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.evaluate(() => sessionStorage.getItem('sendguard-admin-token'))).resolves.toBeNull();
    await signInByKeyboard(page, second.token);
    await page.getByText('Signed in as Second admin').waitFor();
    const revoked = await fetch(`${service.base}/api/v1/admin/tokens/${second.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(revoked.status).toBe(204);
    await openTab(page, 'Overview');
    await page.getByRole('alert').getByText('The service no longer accepts this token').waitFor();
    await page.getByLabel('Admin API token').waitFor();
    await signInByKeyboard(page, adminToken);
    await page.getByText(`Signed in as ${ADMIN_NAME}`).waitFor();
  });

  test('nothing the console loads or writes is refused by its content security policy', () => {
    expect(consoleErrors.filter((text) => /content security policy/i.test(text))).toEqual([]);
  });

  test('dark theme: the overview forced dark by ?theme=dark', async () => {
    await page.goto(`${service.base}/admin/?theme=dark#/overview`);
    await page.getByRole('table', { name: OVERVIEW_TABLES[0] }).waitFor();
    const background = await page.evaluate(
      () => getComputedStyle(document.querySelector('[data-theme]')!).backgroundColor,
    );
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(3 * 80);
    await screenshot('overview-dark');
    await page.goto(`${service.base}/admin/#/overview`);
  });
});
