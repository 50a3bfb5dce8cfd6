/**
 * Which theme a page shows, read from the page rather than from what it was asked for: the background of Fluent
 * UI's provider, dark when its relative luminance is under one half (as the pane judges Office's theme).
 */
import type { Page } from 'playwright-core';

export async function shownTheme(page: Page, selector = '.fui-FluentProvider'): Promise<'light' | 'dark'> {
  const background = await page
    .locator(selector)
    .first()
    .evaluate((element) => getComputedStyle(element).backgroundColor);
  const [r, g, b] = (background.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((value) => value / 255);
  if (b === undefined) throw new Error(`no background colour on ${selector}: ${background}`);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b < 0.5 ? 'dark' : 'light';
}
