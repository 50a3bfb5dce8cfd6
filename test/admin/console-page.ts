/**
 * What an admin does in the console in Chromium: sign in by keyboard, open a tab, read a table as its cells,
 * download a table's CSV; and the RFC 4180 reading of that file the test compares with the table.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { TABS } from '../../src/admin/shell/tabs';

/** Signs in as a keyboard user would: Tab to the token field, type, Enter. */
export async function signInByKeyboard(page: Page, token: string): Promise<void> {
  const field = page.getByLabel('Admin API token');
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
}

export async function openTab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
  await page.waitForFunction((hash) => window.location.hash === hash, `#/${tabId(name)}`);
}

/** The fragment's name of a tab, by its label (the shell's own list). */
export const tabId = (label: string): string => TABS.find((tab) => tab.label === label)?.id ?? label;

/** A table's header and body cells as the page shows them (text content, row by row). */
export async function tableCells(page: Page, caption: string): Promise<string[][]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  return table.evaluate((element) =>
    [...element.querySelectorAll('tr')].map((row) =>
      [...row.querySelectorAll('th, td, [role="columnheader"], [role="cell"]')]
        .filter((cell, index, all) => !all.some((other) => other !== cell && other.contains(cell)))
        .map((cell) => cell.textContent ?? ''),
    ),
  );
}

/** Presses the table's "Download CSV" and returns the saved file's name and text. */
export async function downloadCsv(page: Page, caption: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 10_000 }),
    page.getByRole('button', { name: `Download CSV of ${caption}` }).click(),
  ]);
  const path = await download.path();
  return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

/**
 * RFC 4180: records end in CRLF, fields are split by commas, a quoted field may hold commas, CR, LF and doubled
 * quotes. One pass over the text; fails on a file that breaks the grammar (a bare LF ending a record, say).
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else if (c === '\r' || c === '\n' || c === '"') throw new Error(`not RFC 4180 CSV at character ${i}`);
    else field += c;
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('the CSV does not end with CRLF');
  return records;
}

/**
 * The controls inside arrow-key groups (Fluent's tab list, a chart's bars, arcs and legend): one Tab stop per
 * group, the arrow keys move within it, so a Tab walk reaches only one of each. Described as the accessibility
 * helpers describe elements, once a walk has installed them in the page.
 */
export async function arrowGroupMembers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const helpers = (window as unknown as { sendguardA11y: { describe(element: Element): string } })
      .sendguardA11y;
    return [...document.querySelectorAll('[data-tabster*="mover"] *')].map((element) =>
      helpers.describe(element),
    );
  });
}
