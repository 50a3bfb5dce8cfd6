/**
 * The admin console in real Chromium against `sendguard serve` (API tokens required): each page, with content
 * (decision records reported by a sender's token, so that the overview draws its charts), passes axe-core
 * (WCAG 2.1 A/AA and best practices, no serious or critical violation) in the light and the dark theme, and every
 * control of each page is reached with Tab, named and visibly focused.
 */
import type { Page } from 'playwright-core';
import type { DecisionReport } from '../../src/core/decisions/record';
import { expectAccessible, expectKeyboardWalk } from '../helpers/axe';
import { callApi, openConsole, startConsoleService, type ConsoleService } from '../admin/pages-serve';
import { shownTheme } from './theme';

const TABS = ['Overview', 'Domains', 'Keys', 'Secure messages', 'Tokens', 'Policy'] as const;
const HASHES: Record<(typeof TABS)[number], string> = {
  Overview: 'overview',
  Domains: 'domains',
  Keys: 'keys',
  'Secure messages': 'messages',
  Tokens: 'tokens',
  Policy: 'policy',
};

/** Send checks of three kinds, so that the overview's charts and tables have rows. */
const REPORTS: DecisionReport[] = [
  {
    host: 'outlook',
    classification: 'confidential',
    action: 'tag',
    outcome: 'tagged',
    passcodeSet: false,
    recipients: [
      {
        address: 'ann@dane.example',
        internal: false,
        transport: 'authenticated',
        key: 'none',
        protection: 'tls',
      },
    ],
  },
  {
    host: 'thunderbird',
    classification: 'confidential',
    action: 'escrow',
    outcome: 'protected',
    passcodeSet: true,
    recipients: [
      {
        address: 'carl@partial.example',
        internal: false,
        transport: 'partial',
        key: 'none',
        protection: 'escrow',
      },
    ],
  },
  {
    host: 'outlook',
    classification: 'restricted',
    action: 'block',
    outcome: 'blocked',
    passcodeSet: false,
    recipients: [
      {
        address: 'dee@nullmx.example',
        internal: false,
        transport: 'no-mail',
        key: 'none',
        protection: 'blocked',
      },
    ],
  },
];

let consoleService: ConsoleService;
let page: Page;

beforeAll(async () => {
  consoleService = await startConsoleService();
  for (const report of REPORTS) {
    const answer = await callApi(consoleService, consoleService.senderToken, '/decisions', report);
    expect(answer.status).toBe(204);
  }
  page = await openConsole(consoleService, 'Overview');
}, 600_000);

/** The console on `tab` in `theme` (forced by the query, as the console offers), once its content has loaded. */
async function show(tab: (typeof TABS)[number], theme: 'light' | 'dark'): Promise<void> {
  await page.goto(`${consoleService.service.base}/admin/?theme=${theme}#/${HASHES[tab]}`);
  await page.getByRole('tab', { name: tab, selected: true }).waitFor();
  await page.waitForLoadState('networkidle');
  await page
    .locator('[role="progressbar"], .fui-Spinner')
    .first()
    .waitFor({ state: 'detached', timeout: 10_000 });
}

/** Every page and theme is checked, and the failures reported together, so that one run lists them all. */
async function eachPage(check: (tab: (typeof TABS)[number]) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  for (const tab of TABS) {
    await check(tab).catch((error: Error) => failures.push(error.message));
  }
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}

test.each(['light', 'dark'] as const)(
  'every page passes axe-core in the %s theme',
  async (theme) => {
    await eachPage(async (tab) => {
      await show(tab, theme);
      await expect(shownTheme(page)).resolves.toBe(theme);
      await expectAccessible(page, `console ${tab}, ${theme}`);
    });
  },
  300_000,
);

test.each(['light', 'dark'] as const)(
  'after an action: a token just issued, a policy previewed, in the %s theme',
  async (theme) => {
    await show('Tokens', theme);
    await page.getByLabel('Name').fill(`Accessibility check, ${theme}`);
    await page.getByRole('button', { name: 'Issue token' }).click();
    await page.getByLabel('The new token').waitFor();
    await expectAccessible(page, `console Tokens, a token just issued, ${theme}`);

    await show('Policy', theme);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.getByRole('button', { name: 'Preview', exact: true }).and(page.locator(':enabled')).waitFor();
    await page.getByRole('table').first().waitFor();
    await expectAccessible(page, `console Policy, previewed, ${theme}`);
  },
  120_000,
);

test('every page from the keyboard: each control reached, named and visibly focused', async () => {
  await eachPage(async (tab) => {
    await show(tab, 'light');
    await expectKeyboardWalk(page, `console ${tab}`);
  });
}, 300_000);
