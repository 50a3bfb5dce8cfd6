/**
 * The add-in's production pages with the real Office.js, offline (from the `@microsoft/office-js` package, in
 * place of Microsoft's CDN, which the pages keep naming): Office.js and our bundles load side by side without an
 * error; the event runtime associates its handlers with Office.js's own `Office.actions`; and opened outside
 * Outlook — where Office.js has no host, no mailbox and no dialog API — each page says where it belongs.
 */
import type { Page } from 'playwright-core';
import type { Server } from '../../src/server/serve';
import { launchBrowser, startBackend } from './browser';
import { buildOutlook } from './built-addin';
import { OFFICE_JS_CDN, serveOfficeJsFromPackage } from './office-js-offline';

let server: Server;
let base: string;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let routed: Awaited<ReturnType<typeof serveOfficeJsFromPackage>>;

beforeAll(async () => {
  buildOutlook();
  ({ server, base } = await startBackend());
  browser = await launchBrowser();
  routed = await serveOfficeJsFromPackage(browser.context);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens an add-in page, collecting its uncaught errors, and waits for Office.js to be ready. */
async function open(path: string): Promise<{ page: Page; errors: string[]; host: unknown }> {
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/addin/${path}`);
  const host = await page.evaluate(() => Office.onReady().then((info) => info.host));
  return { page, errors, host };
}

test.each(['taskpane.html', 'launchevent.html', 'readpane.html', 'signin.html'])(
  '%s names Microsoft’s CDN for Office.js, as production requires',
  async (path) => {
    const html = await (await fetch(`${base}/addin/${path}`)).text();
    expect(html).toContain(`src=${OFFICE_JS_CDN}office.js`);
  },
);

describe('with the real Office.js, from the package', () => {
  test('the event runtime’s page: both load without an error, and the handlers are associated with Office.js', async () => {
    const { page, errors, host } = await open('launchevent.html');
    expect(host).toBeNull();
    const associated = await page.evaluate(() =>
      ['onMessageSendHandler', 'onNewMessageComposeHandler', 'onMessageRecipientsChangedHandler'].map(
        (name) =>
          typeof (Office.actions as unknown as { _association?: { mappings: Record<string, unknown> } })
            ._association?.mappings[name.toUpperCase()],
      ),
    );
    expect(associated).toEqual(['function', 'function', 'function']);
    expect(errors).toEqual([]);
    await page.close();
  });

  test.each([
    [
      'taskpane.html',
      'Sendguard works inside Outlook: open it with the Sendguard button of a message you are writing.',
    ],
    [
      'readpane.html',
      'Sendguard’s transport report works inside Outlook: open it on a message you received.',
    ],
    [
      'signin.html',
      'This is Sendguard’s sign-in window: open it with the Sign in button in Sendguard’s pane in Outlook.',
    ],
  ])('%s outside Outlook says where it belongs, with no error', async (path, text) => {
    const { page, errors } = await open(path);
    await page.getByText(text).waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  test('Office.js came from the package, and nothing was fetched off this machine', () => {
    expect(routed.served).toContain('office.js');
    expect(routed.refused).toEqual([]);
  });
});
