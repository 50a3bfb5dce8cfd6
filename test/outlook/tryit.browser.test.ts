/**
 * The try-it page in real Chromium against the real backend on the offline bed: the pane's badges and reasons,
 * applying forced TLS and OpenPGP, and the real send handler blocking and allowing as it should. Screenshots go
 * to test/artifacts/outlook/ (narrow pane, light and dark).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, keyInKeyring, tryItSuite } from './browser';
import { gpgDecrypt, type PeerKey } from '../addin/openpgp-peers';
import { badge, compose, send } from './try-page';
import { formatFingerprint } from '../../src/core/fingerprint';
import { testbed } from '../helpers/testbed';

const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';
const ADDRESSES = [
  'ann@dane-ee.sendguard.test',
  'bo@tls-valid.sendguard.test',
  'pat@tls-valid.sendguard.test',
  'carl@partial.sendguard.test',
  'dee@null-mx.sendguard.test',
];

let pat: PeerKey;

const suite = tryItSuite(() => {
  // The bed's key domains accept no mail; a key in the organisation's keyring serves a domain that does.
  const { key, keyringDir } = keyInKeyring('Pat <pat@tls-valid.sendguard.test>');
  pat = key;
  return { keyringDir };
});

/** Asks until every check has finished, so the page sees settled verdicts rather than "still being checked". */
async function warm(): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${suite.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.token}` },
      // With the try-it page's sender, whose reply path the pane asks about too.
      body: JSON.stringify({ recipients: ADDRESSES, sender: 'sender@example.gov' }),
    });
    const body = (await response.json()) as { partial: boolean };
    if (!body.partial) return;
  }
  throw new Error('the bed did not settle');
}

beforeAll(() => warm(), 60_000);

async function openTry(query = ''): Promise<Page> {
  const page = await suite.context.newPage();
  const params = new URLSearchParams(query);
  params.set('token', suite.token);
  await page.goto(`${suite.base}/try/?${params}`);
  await page.getByText('Send as usual').or(page.getByRole('alert')).first().waitFor();
  return page;
}

describe('the try-it page', () => {
  test('forced TLS: authenticated and encrypted-only badges, the why, the tag applied on send', async () => {
    const page = await openTry();
    await expect(page.evaluate(() => document.body.classList.contains('dark'))).resolves.toBe(false);
    await compose(page, {
      to: 'ann@dane-ee.sendguard.test, bo@tls-valid.sendguard.test',
      body: IBAN_BODY,
      subject: 'Refund',
    });
    await badge(page, 'ann@dane-ee', 'Forced TLS · authenticated');
    await badge(page, 'bo@tls-valid', 'Forced TLS · encrypted only');
    await expect(page.getByTestId('plan-summary').textContent()).resolves.toContain('forced TLS');
    await expect(page.getByText('Treated as Confidential').count()).resolves.toBe(1);
    await page.locator('li', { hasText: 'bo@tls-valid' }).getByRole('button', { name: 'Why?' }).click();
    await expect(
      page
        .getByText(/nothing authenticates it/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    // How people at the domain reach their mail: the bed advertises nothing for it.
    await expect(
      page.getByText(/^Mailboxes at tls-valid\.sendguard\.test: not known — /).isVisible(),
    ).resolves.toBe(true);
    // How replies come back to the sender: one line for the pane, below the recipients.
    await expect(page.getByText(/^Replies /).count()).resolves.toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'tls-light.png'), fullPage: true });
    const sent = await send(page);
    expect(sent).toContain('Sent.');
    expect(sent).toContain('Subject: #secure# Refund');
    await page.close();
  });

  test('the pane applies the tag once, and records it for the send check', async () => {
    const page = await openTry();
    await compose(page, { to: 'ann@dane-ee.sendguard.test', body: IBAN_BODY, subject: 'Refund' });
    await page.getByRole('button', { name: 'Add the forced-TLS tag' }).click();
    await page.getByText('Applied: forced TLS for these recipients.').waitFor();
    await page.getByRole('button', { name: 'Add the forced-TLS tag' }).click();
    await page.getByText('Ready for forced TLS: the tag is on the message').waitFor();
    const subject = await page.evaluate(() => (window as any).sendguardTry.state.subject);
    expect(subject).toBe('#secure# Refund');
    await page.close();
  });

  test('OpenPGP: blocked before encrypting, encrypted in the pane, then allowed', async () => {
    const page = await openTry('?theme=dark');
    await expect(page.evaluate(() => document.body.classList.contains('dark'))).resolves.toBe(true);
    await compose(page, {
      to: 'pat@tls-valid.sendguard.test',
      body: 'Diagnosis attached.',
      subject: 'Results',
    });
    await page.getByLabel('Classification').selectOption('restricted');
    await badge(page, 'pat@tls-valid', 'OpenPGP');
    await page.locator('li', { hasText: 'pat@tls-valid' }).getByRole('button', { name: 'Why?' }).click();
    await expect(
      page
        .getByText(/from the organisation's keyring/)
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'pgp-dark.png'), fullPage: true });
    const refused = await send(page);
    expect(refused).toContain('Not sent.');
    expect(refused).toContain('pat@tls-valid.sendguard.test');
    await page.getByRole('button', { name: 'Encrypt with OpenPGP' }).click();
    await page.getByText('encrypted with OpenPGP. You can send it.').waitFor({ timeout: 20_000 });
    const body = await page.evaluate(() => (window as any).sendguardTry.state.text as string);
    expect(body.trim()).toMatch(/^-----BEGIN PGP MESSAGE-----[\s\S]+-----END PGP MESSAGE-----$/);
    expect(gpgDecrypt([pat.secretFile], body).toString('utf8')).toBe('Diagnosis attached.');
    expect(await send(page)).toContain('Sent.');
    await page.close();
  });

  test('secure pickup and blocked recipients are named; the send check refuses', async () => {
    const page = await openTry();
    await compose(page, { to: 'carl@partial.sendguard.test, dee@null-mx.sendguard.test', body: IBAN_BODY });
    await badge(page, 'carl@partial', 'Secure pickup');
    await badge(page, 'dee@null-mx', 'Blocked');
    await expect(page.getByTestId('plan-summary').textContent()).resolves.toContain(
      'dee@null-mx.sendguard.test',
    );
    const refused = await send(page);
    expect(refused).toContain('Not sent.');
    expect(refused).toContain('dee@null-mx.sendguard.test');
    await page.setViewportSize({ width: 700, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'blocked-narrow.png'), fullPage: true });
    await page.close();
  });

  test('secure pickup with the sender’s passcode: asked for, applied through Argon2id in the pane, then sent', async () => {
    const page = await openTry();
    await compose(page, {
      to: 'carl@partial.sendguard.test, ann@dane-ee.sendguard.test',
      body: 'Her SSN is 234-56-7890.',
    });
    await badge(page, 'carl@partial', 'Secure pickup');
    const proof = (address: string) =>
      page.locator('li', { hasText: address }).locator('[data-proof]').first().textContent();
    await expect(proof('carl@partial')).resolves.toBe('your passcode');
    await expect(proof('ann@dane-ee')).resolves.toBe('code by mail');
    const apply = page.getByRole('button', { name: 'Send by secure pickup' });
    await expect(apply.isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Suggest one' }).click();
    const passcode = await page.getByRole('textbox', { name: /Passcode for this message/ }).inputValue();
    await expect(apply.isEnabled()).resolves.toBe(true);
    await apply.click();
    await page.getByText('The message is stored for secure pickup').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('passcode-applied').textContent()).resolves.toBe(passcode);
    const body = await page.evaluate(() => (window as any).sendguardTry.state.text as string);
    expect(body).not.toContain(passcode);
    expect(await send(page)).toContain('Sent.');
    await page.close();
  });

  test('a changed OpenPGP key: the sender compares it, accepts it, and the service pins it', async () => {
    const bob = 'bob@wkd.sendguard.test';
    const bedKeys = JSON.parse(readFileSync(join(testbed().runDir, 'keys', 'keys.json'), 'utf8')) as {
      keys: Record<string, { fingerprint: string }>;
    };
    const [before, now] = [bedKeys.keys.alice!.fingerprint, bedKeys.keys.bob!.fingerprint];
    // An admin pinned Alice's key for Bob: the key Bob's own web key directory serves is now a change.
    const pinned = await fetch(`${suite.base}/api/v1/admin/pins/${encodeURIComponent(bob)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.adminToken}` },
      body: JSON.stringify({ fingerprint: before }),
    });
    expect(pinned.status).toBe(200);

    const page = await openTry();
    await compose(page, { to: bob, body: 'Lunch?' });
    await page.getByRole('button', { name: 'Review key change' }).click({ timeout: 20_000 });
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('fingerprint-before').textContent()).resolves.toBe(
      formatFingerprint(before),
    );
    await expect(dialog.getByTestId('fingerprint-now').textContent()).resolves.toBe(formatFingerprint(now));
    await expect(dialog.textContent()).resolves.toContain("from the recipient's web key directory");
    await page.screenshot({ path: join(ARTIFACTS, 'key-change.png'), fullPage: true });
    await dialog.getByRole('button', { name: `I checked it with ${bob}: use the new key` }).click();

    // Checked again: Bob's key is the pinned one now, in the pane and for every later lookup.
    await page.getByRole('button', { name: 'Review key change' }).waitFor({ state: 'detached' });
    await page.locator('li', { hasText: bob }).getByRole('button', { name: 'Why?' }).click();
    await page
      .getByText(`OpenPGP key ${formatFingerprint(now)}, the key used before`)
      .first()
      .waitFor();
    const lookup = await fetch(`${suite.base}/api/v1/keys/${encodeURIComponent(bob)}`, {
      headers: { authorization: `Bearer ${suite.token}` },
    });
    await expect(lookup.json()).resolves.toMatchObject({
      verdict: 'valid',
      source: 'pinned',
      fingerprint: now,
    });
    await page.close();
  }, 60_000);

  test('backend unreachable: the pane says so and the send check blocks', async () => {
    const page = await suite.context.newPage();
    await page.goto(
      `${suite.base}/try/?${new URLSearchParams({ backend: 'http://127.0.0.1:9', token: suite.token })}`,
    );
    await page.getByRole('alert').filter({ hasText: 'could not be reached' }).first().waitFor();
    await compose(page, { to: 'ann@dane-ee.sendguard.test', body: 'Hello' });
    const refused = await send(page);
    expect(refused).toContain('Not sent.');
    expect(refused).toContain('could not be reached');
    await page.close();
  });
});
