// Debian's Chromium for tests and benches, started the one way this machine allows: headless, no sandbox (root),
// and none of its background connections, which the closed network would refuse many times a start.
// CommonJS so that the JavaScript benches and the TypeScript tests share it.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A persistent context on a new empty profile, removed when the context closes; `options` are Playwright's
 * (viewport, acceptDownloads…).
 */
async function launchChromium(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'sendguard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    ...options,
  });
  // Removed once close() has resolved, when Chromium has exited: on the context's 'close' event it is still writing
  // the profile (the removal failed with ENOTEMPTY, or Chromium wrote it anew), and profiles were left behind.
  const close = context.close.bind(context);
  context.close = async (...args) => {
    await close(...args);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // never fail a run over a temp dir: left for the system's temp cleaning
    }
  };
  return context;
}

module.exports = { launchChromium, CHROMIUM, CHROMIUM_FLAGS };
