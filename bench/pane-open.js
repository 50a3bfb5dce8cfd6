// The compose pane as a sender meets it: the try-it page (the real pane bundle beside a simulated Outlook) in
// Chromium, served by the built service with API tokens required, as an admin deploys it, against the bed. Times
// the pane from the page's navigation to its full recipient list, measured inside the page (performance.now(),
// whose origin is the navigation's start), and lists what the page fetched and where each answer came from.
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');

/** Marks in the page the first moment its pane shows a badge for one recipient, then for all `count`. */
function completionWatch(count) {
  return `(() => {
    const count = ${JSON.stringify(count)};
    const marks = {};
    window.__paneMarks = marks;
    const look = () => {
      const root = document.getElementById('root');
      if (!root) return;
      const badges = root.querySelectorAll('[data-protection]').length;
      if (badges > 0 && marks.first === undefined) marks.first = performance.now();
      if (badges === count && !root.textContent.includes('still running')) {
        marks.complete = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document, { childList: true, subtree: true, characterData: true });
  })();`;
}

/** The bed's service with API tokens on, in a fresh data directory (nothing checked yet), and a sender's token. */
async function startService() {
  const bed = JSON.parse(readFileSync(join(root, 'test', 'testbed', 'run', 'bed.json'), 'utf8'));
  const { parseConfig } = require(join(root, 'dist', 'server', 'config', 'load'));
  const { createServer } = require(join(root, 'dist', 'server', 'serve'));
  const { openSqliteStore } = require(join(root, 'dist', 'server', 'store', 'sqlite'));
  const { issueApiToken } = require(join(root, 'dist', 'server', 'auth', 'api-tokens'));
  const dataDir = mkdtempSync(join(tmpdir(), 'sendguard-bench-pane-'));
  const store = openSqliteStore(dataDir);
  const { token } = await issueApiToken(store.tokens, { name: 'bench sender', role: 'sender' }).finally(() =>
    store.close(),
  );
  const server = await createServer(
    parseConfig({
      listen: { host: '127.0.0.1', port: 0 },
      dataDir,
      dns: { servers: [bed.dns] },
      caFile: bed.caFile,
      allowPrivateAddresses: true,
      auth: { apiTokens: true, devNoAuth: false },
      tls: { enabled: false },
      keys: { vksUrl: 'https://keys.sendguard.test' },
      transport: { heloName: 'probe.sendguard.test' },
      limits: { assessDeadlineMs: 3000 },
      logLevel: 'silent',
    }),
  );
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return {
    base,
    token,
    close: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * How each resource reached the page: `cache` (read from the HTTP cache without asking), `revalidated` (a 304:
 * the browser's own, where only headers crossed, fewer bytes than the body the cache held; or one the page's
 * script asked for itself, which it sees as the 304 status), or `network` (the body crossed).
 */
function origin(entry, status) {
  if (entry.transferSize === 0 && entry.decodedBodySize > 0) return 'cache';
  if (status === 304 || (entry.transferSize > 0 && entry.transferSize < entry.encodedBodySize))
    return 'revalidated';
  return 'network';
}

/**
 * Where the sender sits: on the service's machine (loopback), or across an office network to it, as Chromium's
 * DevTools emulate one (each request's answer delayed by the round trip, the bytes by the line's rate).
 */
const NETWORKS = {
  loopback: undefined,
  office: {
    about: '40 ms round trip, 20 Mbit/s down, 5 Mbit/s up',
    conditions: { offline: false, latency: 40, downloadThroughput: 20e6 / 8, uploadThroughput: 5e6 / 8 },
  },
};

/**
 * Opens the try-it page for `to` in `context` over `network` (NETWORKS) and waits for the full list. Returns the
 * time to the first badge and to the full list (ms from navigation start) and each request the page made, in order.
 */
async function openPane(context, service, to, network) {
  const page = await context.newPage();
  if (network) {
    const devtools = await context.newCDPSession(page);
    await devtools.send('Network.enable');
    await devtools.send('Network.emulateNetworkConditions', network.conditions);
  }
  const statuses = new Map();
  page.on('response', (response) => statuses.set(response.url(), response.status()));
  try {
    const query = new URLSearchParams({ to: to.join(','), token: service.token });
    await page.goto(`${service.base}/try/?${query}`);
    await page.waitForFunction(() => window.__paneMarks?.complete !== undefined, undefined, {
      timeout: 60_000,
      polling: 50,
    });
    const { marks, entries } = await page.evaluate(() => ({
      marks: window.__paneMarks,
      entries: [
        ...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource'),
      ].map((e) => ({
        name: e.name,
        kind: e.initiatorType,
        start: e.startTime,
        end: e.responseEnd,
        transferSize: e.transferSize,
        encodedBodySize: e.encodedBodySize,
        decodedBodySize: e.decodedBodySize,
      })),
    }));
    const requests = entries
      .filter((e) => e.start <= marks.complete)
      .map((e) => {
        const url = new URL(e.name);
        url.searchParams.delete('token');
        return {
          path: `${url.pathname}${url.search}`.replace(/\?to=[^&]*/, '?to=…'),
          kind: e.kind,
          how: origin(e, statuses.get(e.name)),
          bytes: e.transferSize,
          start: e.start,
          end: e.end,
        };
      });
    return { first: marks.first, complete: marks.complete, requests };
  } finally {
    await page.close();
  }
}

/**
 * The request list as printed: one line each, with when it started and ended (ms from navigation start) and the
 * bytes that crossed the network (headers included; 0 from the cache), then the total.
 */
function formatRequests(requests) {
  const lines = requests.map(
    (r) =>
      `    ${r.start.toFixed(0).padStart(5)}–${r.end.toFixed(0).padStart(5)} ms ${String(r.bytes).padStart(8)} B  ${r.how.padEnd(11)} ${r.kind.padEnd(10)} ${r.path}`,
  );
  const total = requests.reduce((sum, r) => sum + r.bytes, 0);
  return [
    ...lines,
    `    ${requests.length} requests, ${(total / 1024).toFixed(1)} KiB over the network`,
  ].join('\n');
}

module.exports = { NETWORKS, completionWatch, startService, openPane, formatRequests };
