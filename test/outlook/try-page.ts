/**
 * What a sender does on the try-it page in Chromium: write a message in the simulated compose window, wait for
 * the pane's verdict on a recipient, press Send and read what Outlook would have said.
 */
import type { Page } from 'playwright-core';

export async function compose(
  page: Page,
  fields: { to: string; body?: string; subject?: string },
): Promise<void> {
  if (fields.subject !== undefined) await page.fill('#subject', fields.subject);
  if (fields.body !== undefined) await page.fill('#body', fields.body);
  await page.fill('#to', fields.to);
  await page.press('#to', 'Tab');
}

/** Waits for the recipient's badge to show `label`: the pane re-plans as answers and choices arrive. */
export async function badge(page: Page, address: string, label: string): Promise<void> {
  await page
    .locator('li', { hasText: address })
    .locator('[data-protection]', { hasText: label })
    .first()
    .waitFor();
}

/** Presses Send (the real send handler runs) and returns the alert: "Sent. …" or "Not sent. …". */
export async function send(page: Page): Promise<string> {
  await page.click('#send');
  await page.locator('#alert.sent, #alert.blocked').waitFor();
  return (await page.textContent('#alert')) ?? '';
}
