/**
 * Prefetching on the try-it page in real Chromium, against the real service on the offline bed: once the
 * recipient-change check ran, Send decides from the answers it kept, with no question to the service — it goes
 * through with the service unreachable — and within a second; a recipient the check never saw is asked about.
 */
import type { Page } from 'playwright-core';
import { tryItSuite } from './browser';
import { compose, send } from './try-page';

const ANN = 'ann@dane-ee.sendguard.test';
const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';

const suite = tryItSuite();

/** Asks until the service's checks of `addresses` have finished, so the prefetch gets a final answer. */
async function warm(addresses: string[]): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${suite.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${suite.token}` },
      body: JSON.stringify({ recipients: addresses }),
    });
    if (!((await response.json()) as { partial: boolean }).partial) return;
  }
  throw new Error('the bed did not settle');
}

/** A try-it page with a confidential message to `to`, once the recipient-change check kept its answers. */
async function prefetchedPage(to: string): Promise<Page> {
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/try/?token=${encodeURIComponent(suite.token)}`);
  await page.getByText('Send as usual').or(page.getByRole('alert')).first().waitFor();
  await compose(page, { to, subject: 'Refund', body: IBAN_BODY });
  await page.waitForFunction(
    () =>
      (window as unknown as { sendguardTry: { state: { session: Record<string, string> } } }).sendguardTry
        .state.session['sendguard-prefetched'] !== undefined,
  );
  return page;
}

/** From now on, every request to the service's decision inputs fails as an unreachable service does. */
async function serviceDown(page: Page): Promise<string[]> {
  const refused: string[] = [];
  await page.route(/\/api\/v1\/(assess|policy)$/, (route) => {
    refused.push(new URL(route.request().url()).pathname);
    return route.abort('connectionrefused');
  });
  return refused;
}

beforeAll(() => warm([ANN, 'bo@tls-valid.sendguard.test']), 60_000);

test('Send decides from the kept answers within a second, asking nothing: it goes with the service unreachable', async () => {
  const page = await prefetchedPage(ANN);
  const refused = await serviceDown(page);
  const alert = await send(page);
  expect(alert).toMatch(/^Sent\. Subject: #secure# Refund/);
  expect(refused).toEqual([]);
  const decidedInMs = Number(await page.getAttribute('#alert', 'data-decided-in-ms'));
  expect(decidedInMs).toBeGreaterThan(0);
  expect(decidedInMs).toBeLessThan(1000);
  await page.close();
}, 60_000);

test('a recipient the check never saw: Send asks the service, and stops when it cannot be reached', async () => {
  const page = await prefetchedPage(ANN);
  await page.evaluate(() => {
    const sim = (window as unknown as { sendguardTry: { state: { cc: unknown[] } } }).sendguardTry;
    // Added without Outlook's change event, as a send pressed before it arrives would see it.
    sim.state.cc = [{ emailAddress: 'bo@tls-valid.sendguard.test', displayName: '' }];
  });
  const refused = await serviceDown(page);
  const alert = await send(page);
  expect(alert).toMatch(/^Not sent\./);
  expect(alert).toContain('could not be reached');
  expect(refused).toContain('/api/v1/assess');
  await page.close();
}, 60_000);
