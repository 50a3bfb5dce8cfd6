/**
 * The try-it page's read mode (/try/read.html) in real Chromium, served by the real backend: a received message's
 * headers go into the simulated Outlook, which returns them from getAllInternetHeadersAsync to the real read
 * pane bundle; the pane shows the hop list and the summary the parser gives. Screenshot:
 * test/artifacts/outlook/read.png.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeHopTls, describeSummary, receivedReport } from '../../src/core/received';
import { ARTIFACTS, tryItSuite } from './browser';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '..', 'fixtures', 'received', `${name}.eml`), 'utf8');

const suite = tryItSuite();

/** Pastes the message into the simulated Outlook and opens it, as a reader selecting it would. */
async function openMessage(page: Page, raw: string): Promise<void> {
  await page.goto(`${suite.base}/try/read.html`);
  await page.getByRole('status').waitFor();
  await page.getByLabel('Message headers').fill(raw);
  await page.getByRole('button', { name: 'Open this message' }).click();
  await page.waitForLoadState('load');
}

async function hopTexts(page: Page): Promise<string[]> {
  const list = page.getByRole('list', { name: 'Hops, oldest first' });
  await list.waitFor();
  return list.getByRole('listitem').allTextContents();
}

describe('the try-it read page', () => {
  test('opens on a sample message and shows its report', async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.base}/try/read.html`);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Encrypted on every hop/);
    await page.close();
  });

  test('a message with a plain hop: each hop in order, in plain words, and the summary says NOT encrypted', async () => {
    const raw = fixture('exim-legacy');
    const report = receivedReport(raw);
    const page = await suite.context.newPage();
    await openMessage(page, raw);
    const hops = await hopTexts(page);
    expect(hops).toHaveLength(report.hops.length);
    report.hops.forEach((hop, i) => {
      expect(hops[i]).toContain(`Hop ${i + 1}:`);
      expect(hops[i]).toContain(describeHopTls(hop));
      if (hop.by) expect(hops[i]).toContain(hop.by);
    });
    expect(hops.filter((text) => text.includes('NOT ENCRYPTED'))).toHaveLength(1);
    await expect(page.getByRole('status').textContent()).resolves.toBe(describeSummary(report));
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^NOT encrypted on 1 of 3 hops/);
    await page.close();
  });

  test('every hop over TLS, with local hand-offs named: the summary and a screenshot', async () => {
    const raw = fixture('postfix-amavis-dovecot');
    const report = receivedReport(raw);
    const page = await suite.context.newPage();
    await page.setViewportSize({ width: 1000, height: 1100 });
    await openMessage(page, raw);
    const hops = await hopTexts(page);
    expect(hops.map((text) => /TLS 1\.3|TLS 1\.2|local hand-off/.exec(text)?.[0])).toEqual([
      'TLS 1.3',
      'TLS 1.2',
      'local hand-off',
      'local hand-off',
      'local hand-off',
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(describeSummary(report));
    await expect(
      page.getByRole('list', { name: 'What the headers cannot prove' }).getByRole('listitem').count(),
    ).resolves.toBe(report.caveats.length);
    await page.screenshot({ path: join(ARTIFACTS, 'read.png'), fullPage: true });
    await page.close();
  });

  test("headings name the pane's parts for screen-reader navigation (dark theme)", async () => {
    const page = await suite.context.newPage();
    await page.goto(`${suite.base}/try/read.html?theme=dark`);
    await page.getByRole('status').waitFor();
    await expect(page.evaluate(() => document.body.classList.contains('dark'))).resolves.toBe(true);
    const headings = await page.getByRole('heading').allTextContents();
    expect(headings).toEqual(
      expect.arrayContaining([
        'Did this message travel encrypted?',
        'Hops, oldest first',
        'What the headers cannot prove',
      ]),
    );
    await page.screenshot({ path: join(ARTIFACTS, 'read-dark.png'), fullPage: true });
    await page.close();
  });
});
