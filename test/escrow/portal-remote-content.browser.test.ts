/**
 * No remote content in the pickup portal before the reader consents, proved in real Chromium: a sentinel on its
 * own loopback address (HTTP on 80, HTTPS on 443, so protocol-relative and backslash URLs reach it too) counts
 * every TCP connection and logs every request. The corpus of test/fixtures/sanitizer-remote-content.ts goes
 * through the real escrow path and portal:
 * - before "Show images", with every link clicked: no connection at all;
 * - after it: exactly the corpus's HTTPS images, nothing else;
 * - the frame's own content security policy alone, with the raw unsanitised corpus: no request, while the
 *   same markup without that policy does reach the sentinel (so the sentinel can see a leak);
 * - the corpus with host names instead: Chromium's network log shows no look-up of any of them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { BrowserContext, Frame, Page } from 'playwright-core';
import { escrowMessage } from '../../src/addin/protect/escrow/escrow-message';
import { frameDocument } from '../../src/portal/render/frame-document';
import { remoteContentVectors } from '../fixtures/sanitizer-remote-content';
import { CHROMIUM_FLAGS, launchChromium } from '../helpers/chromium';
import { scratchDir } from '../helpers/scratch';
import { nodeFetch, recordingMailer, startEscrowServer, type EscrowServer } from './harness';
import { ensurePortalBuilt } from './portal-build';

const SENTINEL = '127.66.6.6';
const VECTORS = remoteContentVectors(SENTINEL);
const RECIPIENT = 'reader@mailbox.sendguard.test';
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
/** Time given to anything still on its way (lazy loads, retries) before counting what arrived. */
const SETTLE_MS = 1500;

interface Sentinel {
  connections: number;
  /** `scheme path`, in arrival order. */
  requests: string[];
  reset(): void;
  close(): Promise<void>;
}

async function startSentinel(): Promise<Sentinel> {
  const dir = scratchDir('sentinel');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'],
      ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-subj', `/CN=${SENTINEL}`],
      ...['-addext', `subjectAltName=IP:${SENTINEL}`],
    ],
    { stdio: 'ignore' },
  );
  const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  const sentinel: Sentinel = {
    connections: 0,
    requests: [],
    reset() {
      sentinel.connections = 0;
      sentinel.requests = [];
    },
    close: () =>
      Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve)))).then(() => undefined),
  };
  const answer =
    (scheme: string): RequestListener =>
    (request, response) => {
      sentinel.requests.push(`${scheme} ${request.url}`);
      response.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' });
      response.end(GIF);
    };
  const servers: Server[] = [createHttpServer(answer('http')), createHttpsServer(tls, answer('https'))];
  await Promise.all(
    servers.map(
      (server, index) =>
        new Promise<void>((resolve, reject) => {
          // Counted before any TLS handshake: a refused certificate still counts as a leak.
          server.on('connection', () => sentinel.connections++);
          server.once('error', reject);
          server.listen(index === 0 ? 80 : 443, SENTINEL, resolve);
        }),
    ),
  );
  return sentinel;
}

let sentinel: Sentinel;
let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let browser: BrowserContext;

beforeAll(async () => {
  await ensurePortalBuilt();
  sentinel = await startSentinel();
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer, config: { perIp: { max: 500, windowMs: 60_000 } } });
  // The sentinel's certificate is its own: after consent the images must load, so that the test sees each one.
  browser = await launchChromium({ ignoreHTTPSErrors: true, viewport: { width: 1000, height: 900 } });
}, 170_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await sentinel?.close();
});

async function openMessage(context: BrowserContext, html: string): Promise<{ page: Page; body: Frame }> {
  const sent = await escrowMessage({
    backendUrl: server.url,
    token: server.token,
    sender: { name: 'Newsletter', address: 'sender@mailbox.sendguard.test' },
    message: { subject: 'Remote content', html, text: 'see html', attachments: [] },
    recipients: [{ address: RECIPIENT, proof: 'code' }],
    expiryDays: 7,
    fetch: nodeFetch,
  });
  const page = await context.newPage();
  await page.goto(sent.pickupUrl);
  await page.getByLabel('Your email address').fill(RECIPIENT);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').waitFor();
  await page.getByLabel('Code from the email').fill(mailer.codeFor(RECIPIENT));
  await page.getByRole('button', { name: 'Open message' }).click();
  const frame = page.locator('iframe[title="Message body"]');
  await frame.contentFrame().getByText('end of corpus').waitFor();
  const body = (await (await frame.elementHandle())!.contentFrame())!;
  await body.waitForLoadState('load');
  return { page, body };
}

/** Waits for `condition`, for at most 15 s (then the assertions after it say what is missing). */
async function until(condition: () => boolean): Promise<void> {
  for (const started = Date.now(); !condition() && Date.now() - started < 15_000;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const corpusHtml = (vectors = VECTORS) =>
  `${vectors.map((v) => v.html).join('\n<hr>\n')}\n<p>end of corpus</p>`;

/** Runs `html` in a sandboxed `srcdoc` frame on a portal page, as the portal frames a message body. */
async function frameOnPortal(page: Page, html: string): Promise<void> {
  await page.evaluate(
    (srcdoc) =>
      new Promise<void>((resolve) => {
        const frame = document.createElement('iframe');
        frame.setAttribute('sandbox', 'allow-same-origin');
        frame.srcdoc = srcdoc;
        frame.onload = () => resolve();
        document.body.append(frame);
      }),
    html,
  );
}

/**
 * Clicks every link (and image-map area, had one survived) in the body, cancelling each warning, and scrolls to
 * the end. Stops at the first link that does not behave (one that navigates the frame away, say) and says which.
 */
async function clickEveryLink(page: Page, body: Frame) {
  const links = await body.locator('a, area').all();
  const result = { warned: 0, clicked: 0, failure: '' };
  for (const link of links) {
    const target = await link.getAttribute('data-sg-href', { timeout: 5000 }).catch(() => undefined);
    if (target === undefined) {
      result.failure = `link ${result.clicked} is gone: the frame is now at ${body.url()}`;
      break;
    }
    result.clicked++;
    // An area is no box Playwright can click; its click event has the same default action (navigation).
    if (await link.evaluate((el) => el.tagName === 'AREA')) await link.dispatchEvent('click');
    else await link.click();
    if (target === null) continue;
    await page.getByText('The link leads to').waitFor();
    result.warned++;
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  }
  if (!result.failure) {
    await body.locator('body').evaluate((b) => b.ownerDocument.defaultView!.scrollTo(0, b.scrollHeight));
  }
  return result;
}

test(`${VECTORS.length} vectors: no connection before consent, with every link clicked; after it the HTTPS images only`, async () => {
  const { page, body } = await openMessage(browser, corpusHtml());
  await page.getByText('Images from the internet are not shown').waitFor();

  // Links ask first; nothing else in the body can be clicked into a navigation.
  const links = await clickEveryLink(page, body);
  await page.waitForTimeout(SETTLE_MS);
  expect(sentinel.requests).toEqual([]);
  expect(sentinel.connections).toBe(0);
  expect(body.url()).toBe('about:srcdoc');
  expect(links.failure).toBe('');
  expect(links.clicked).toBeGreaterThanOrEqual(5);
  expect(links.warned).toBe(links.clicked - 1); // all but the javascript: one

  const expected = VECTORS.filter((v) => v.loadsAfterConsent).map((v) => `https /v/${v.name}`);
  expect(await body.locator('img[data-sg-blocked]').count()).toBe(expected.length);
  await page.getByRole('button', { name: 'Show images' }).click();
  await until(() => new Set(sentinel.requests).size >= expected.length);
  await page.waitForTimeout(SETTLE_MS);
  expect([...new Set(sentinel.requests)].sort()).toEqual(expected.sort());
  await page.close();
}, 90_000);

/**
 * Chromium opens a speculative connection (no request) for these before any content security policy is
 * consulted: a resource hint, and the navigation of a nested frame that the policy then blocks. Only the
 * sanitiser, which drops both elements, keeps the connection from happening.
 */
const CONNECTS_DESPITE_POLICY = new Set(['link-preconnect', 'iframe-src']);

test("the frame's own policy alone keeps the raw, unsanitised corpus from fetching anything", async () => {
  sentinel.reset();
  const page = await browser.newPage();
  await page.goto(`${server.url}/pickup/`);
  const raw = (vectors: typeof VECTORS) => frameDocument(vectors.map((v) => v.html).join('\n<hr>\n'), false);
  await frameOnPortal(page, raw(VECTORS.filter((v) => !CONNECTS_DESPITE_POLICY.has(v.name))));
  await page.waitForTimeout(SETTLE_MS);
  expect(sentinel.requests).toEqual([]);
  expect(sentinel.connections).toBe(0);

  await frameOnPortal(page, raw(VECTORS.filter((v) => CONNECTS_DESPITE_POLICY.has(v.name))));
  await page.waitForTimeout(SETTLE_MS);
  expect(sentinel.requests).toEqual([]);

  // The same markup without the frame's policy: the portal's own policy allows HTTPS images, and the sentinel
  // sees them, so the silence above is the policy's doing.
  await frameOnPortal(page, `<img src="https://${SENTINEL}/v/control">`);
  await until(() => sentinel.requests.length > 0);
  await page.waitForTimeout(SETTLE_MS);
  expect(sentinel.requests).toEqual(['https /v/control']);
  await page.close();
}, 60_000);

test("no host name in the message is looked up before consent (Chromium's own network log)", async () => {
  const netLog = join(scratchDir('netlog'), 'net-log.json');
  const logged = await launchChromium({ args: [...CHROMIUM_FLAGS, `--log-net-log=${netLog}`] });
  try {
    const { page, body } = await openMessage(logged, corpusHtml(remoteContentVectors('leak.sentinel.test')));
    expect((await clickEveryLink(page, body)).failure).toBe('');
    await page.waitForTimeout(SETTLE_MS);
    // Control: a dns-prefetch hint in a frame the sanitiser never saw is resolved, and the log shows it.
    await frameOnPortal(page, '<link rel="dns-prefetch" href="//control.sentinel.test">');
    await page.waitForTimeout(SETTLE_MS);
  } finally {
    await logged.close(); // the log is complete once Chromium has exited
  }
  const names = readFileSync(netLog, 'utf8').match(/[a-z0-9.-]*sentinel\.test/g) ?? [];
  expect([...new Set(names)]).toEqual(['control.sentinel.test']);
}, 90_000);
