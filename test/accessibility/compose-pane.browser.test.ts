/**
 * The compose pane on the try-it page in real Chromium, against the real backend on the offline bed with API
 * tokens required: with recipients whose domains give each protection (forced TLS authenticated and encrypted
 * only, OpenPGP, secure pickup, blocked) and a changed key, the pane passes axe-core (WCAG 2.1 A/AA and best
 * practices, no serious or critical violation) in Outlook's light and dark themes — with the classification
 * chosen, and with the changed-key dialog open — and a sender reaches everything from the keyboard alone.
 *
 * Only the pane (`#pane`) is checked: the simulated compose window around it stands in for Outlook's own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible, expectKeyboardWalk, stopLine, tabTo } from '../helpers/axe';
import { testbed } from '../helpers/testbed';
import { keyInKeyring, tryItSuite } from '../outlook/browser';
import { badge, compose } from '../outlook/try-page';
import { shownTheme } from './theme';

const PANE = { include: '#pane' };
const ANN = 'ann@dane-ee.sendguard.test';
const BO = 'bo@tls-valid.sendguard.test';
const PAT = 'pat@tls-valid.sendguard.test';
const CARL = 'carl@partial.sendguard.test';
const DEE = 'dee@null-mx.sendguard.test';
const BOB = 'bob@wkd.sendguard.test';
const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';

const suite = tryItSuite(() => {
  // The bed's key domains accept no mail; a key in the organisation's keyring serves a domain that does.
  const { keyringDir } = keyInKeyring(`Pat <${PAT}>`);
  return { keyringDir };
});

/** Every check finished before the page asks, so that it shows settled verdicts; and Bob's key made a change. */
beforeAll(async () => {
  const bedKeys = JSON.parse(readFileSync(join(testbed().runDir, 'keys', 'keys.json'), 'utf8')) as {
    keys: Record<string, { fingerprint: string }>;
  };
  // An admin pinned Alice's key for Bob: the key Bob's own web key directory serves is now a change.
  const pinned = await fetch(`${suite.base}/api/v1/admin/pins/${encodeURIComponent(BOB)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.adminToken}` },
    body: JSON.stringify({ fingerprint: bedKeys.keys.alice!.fingerprint }),
  });
  expect(pinned.status).toBe(200);
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${suite.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.token}` },
      body: JSON.stringify({ recipients: [ANN, BO, PAT, CARL, DEE, BOB] }),
    });
    if (!((await response.json()) as { partial: boolean }).partial) return;
  }
  throw new Error('the bed did not settle');
}, 60_000);

async function openTry(theme: 'light' | 'dark'): Promise<Page> {
  const page = await suite.context.newPage();
  // The system's scheme set against Outlook's: the pane follows Outlook's where Outlook gives one.
  await page.emulateMedia({ colorScheme: theme === 'dark' ? 'light' : 'dark' });
  await page.goto(`${suite.base}/try/?${new URLSearchParams({ token: suite.token, theme })}`);
  await page.getByText('Send as usual').or(page.getByRole('alert')).first().waitFor();
  return page;
}

describe.each(['light', 'dark'] as const)("the compose pane in Outlook's %s theme", (theme) => {
  test('every protection in the list, the classification chosen, the changed-key dialog', async () => {
    const page = await openTry(theme);
    await expect(shownTheme(page, '#pane .fui-FluentProvider')).resolves.toBe(theme);
    await expectAccessible(page, `pane before recipients, ${theme}`, PANE);

    // One body serves every recipient: each protection is shown by a message it serves all recipients of.
    await compose(page, { to: [ANN, BO].join(', '), body: IBAN_BODY, subject: 'Refund' });
    await badge(page, 'ann@dane-ee', 'Forced TLS · authenticated');
    await badge(page, 'bo@tls-valid', 'Forced TLS · encrypted only');
    await page.locator('li', { hasText: 'bo@tls-valid' }).getByRole('button', { name: 'Why?' }).click();
    await expectAccessible(
      page,
      `forced TLS authenticated and encrypted only, a reason open, ${theme}`,
      PANE,
    );

    await compose(page, { to: [CARL, DEE].join(', ') });
    await badge(page, 'carl@partial', 'Secure pickup');
    await badge(page, 'dee@null-mx', 'Blocked');
    await expectAccessible(page, `secure pickup and a blocked recipient, ${theme}`, PANE);

    await compose(page, { to: CARL });
    await page.getByRole('textbox', { name: /Passcode for this message/ }).fill('short');
    await expectAccessible(page, `secure pickup with a passcode too short, ${theme}`, PANE);

    await compose(page, { to: PAT });
    await page.getByLabel('Classification').selectOption('restricted');
    await badge(page, 'pat@tls-valid', 'OpenPGP');
    await expectAccessible(page, `OpenPGP under Restricted, ${theme}`, PANE);

    await compose(page, { to: BOB });
    await page.getByRole('button', { name: 'Review key change' }).waitFor({ timeout: 20_000 });
    await expectAccessible(page, `a changed key, ${theme}`, PANE);

    await page.getByRole('button', { name: 'Review key change' }).click();
    await page.getByRole('dialog').waitFor();
    // The dialog is portalled out of #pane: the whole page, the simulated compose window as well.
    await expectAccessible(page, `the changed-key dialog, ${theme}`, { include: '[role="dialog"]' });
    await page.close();
  }, 120_000);
});

test('from the keyboard alone: choose a classification, reach each recipient, set a passcode and apply', async () => {
  const page = await openTry('light');
  await compose(page, { to: [ANN, CARL].join(', '), body: IBAN_BODY });
  await badge(page, 'ann@dane-ee', 'Secure pickup');
  await badge(page, 'carl@partial', 'Secure pickup');

  const walk = await expectKeyboardWalk(page, 'pane', { within: '#pane' });
  expect(walk.stops.map(stopLine)).toEqual(
    expect.arrayContaining([
      'combobox "Classification"',
      expect.stringMatching(/^textbox "Passcode for this message/),
      'button "Suggest one"',
    ]),
  );
  // Each recipient's "Why?" says whose it is.
  const whys = walk.stops.filter((stop) => stop.name === 'Why?').map((stop) => stop.description);
  expect(whys).toEqual([ANN, CARL]);

  const select = page.getByLabel('Classification');
  const options = await select
    .locator('option')
    .evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
  const before = await select.inputValue();
  await tabTo(page, /^combobox "Classification/, { within: '#pane' });
  await page.keyboard.press('ArrowDown');
  await expect(select.inputValue()).resolves.toBe(options[options.indexOf(before) + 1]);
  await badge(page, 'carl@partial', 'Secure pickup');

  await tabTo(page, (stop) => stop.name === 'Why?' && stop.description === CARL, { within: '#pane' });
  await page.keyboard.press('Enter');
  await page
    .locator('li', { hasText: 'carl@partial' })
    .getByText('Mail servers of partial.sendguard.test', { exact: false })
    .waitFor();

  await tabTo(page, /^button "Suggest one"/, { within: '#pane' });
  await page.keyboard.press('Enter');
  await tabTo(page, /^button "Send by secure pickup"/, { within: '#pane' });
  await page.keyboard.press('Enter');
  await page.getByText('The message is stored for secure pickup').waitFor({ timeout: 30_000 });
  await page.close();
}, 90_000);

test('from the keyboard alone: the changed-key dialog opens, keeps focus inside, and closes with Escape', async () => {
  const page = await openTry('light');
  await compose(page, { to: BOB, body: 'Lunch?' });
  await page.getByRole('button', { name: 'Review key change' }).waitFor({ timeout: 20_000 });
  await tabTo(page, /^button "Review key change"/, { within: '#pane' });
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const walk = await expectKeyboardWalk(page, 'changed-key dialog', { within: '[role="dialog"]' });
  expect(walk.stops.map(stopLine)).toEqual(
    expect.arrayContaining([`button "I checked it with ${BOB}: use the new key"`]),
  );
  // Past its last control Tab comes round to its first again: focus never leaves for the page behind.
  for (let press = 0; press <= walk.stops.length; press++) await page.keyboard.press('Tab');
  await expect(dialog.evaluate((element) => element.contains(document.activeElement))).resolves.toBe(true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  // Focus returns to the button that opened it, so the keyboard user goes on from where they were.
  await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Review key change');
  await page.close();
}, 60_000);
