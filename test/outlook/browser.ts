/**
 * Debian's Chromium driven by playwright-core, headless, with a fresh profile per launch; and the assembled
 * backend (real transport and key services on the offline bed, API tokens required as deployed, plain HTTP)
 * serving the add-in's bundles and the try-it page, with a sender's token the page is given (`?token=`) and an
 * admin's token for what only an admin does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import type { ConfigInput } from '../../src/server/config/schema';
import { createServer, type Server } from '../../src/server/serve';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { gpgKey, peerHome, type PeerKey } from '../addin/openpgp-peers';
import { BED_VKS_URL, bedServerConfig } from '../helpers/bed-services';
import { launchChromium } from '../helpers/chromium';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';
import { testbed } from '../helpers/testbed';
import { buildOutlook } from './built-addin';

export const ARTIFACTS = join(__dirname, '..', 'artifacts', 'outlook');

export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const context = await launchChromium({ viewport: { width: 1000, height: 900 } });
  return { context, close: () => context.close() };
}

/**
 * `keyringDir`: the organisation's keyring (`*.asc`), for recipients whose domains accept mail on the bed;
 * `settings`: other sections of the service's configuration (a `policyFile`, say). The backend is closed when the
 * test file ends, if the file has not closed it by then.
 */
export async function startBackend(
  keyringDir?: string,
  settings: ConfigInput = {},
): Promise<{ server: Server; base: string; token: string; adminToken: string }> {
  const bed = testbed();
  const dataDir = scratchDir('tryit');
  // As an admin deploys it: a sender's token issued into the service's store before it starts.
  const store = openSqliteStore(dataDir);
  // And an admin's, for what only an admin does (pinning a key).
  const [{ token }, { token: adminToken }] = await Promise.all([
    issueApiToken(store.tokens, { name: 'try-it sender', role: 'sender' }),
    issueApiToken(store.tokens, { name: 'try-it admin', role: 'admin' }),
  ]).finally(() => store.close());
  const config = bedServerConfig(bed, dataDir, {
    auth: { apiTokens: true, devNoAuth: false },
    tls: { enabled: false },
    keys: { vksUrl: BED_VKS_URL, ...(keyringDir ? { keyringDir } : {}) },
    // The send check gives up at 3.5 s; the server must answer (partially if need be) before that.
    limits: { assessDeadlineMs: 3000 },
    ...settings,
  });
  const created = await createServer(config);
  const server = { ...created, close: stopAtFileEnd(created.close) };
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, base, token, adminToken };
}

/**
 * A recipient's key pair made by GnuPG for `uid`, in a throwaway home, with its public key alone in an
 * organisation keyring directory there (for recipients whose domains accept mail on the bed).
 */
export function keyInKeyring(uid: string): { key: PeerKey; home: string; keyringDir: string } {
  const home = peerHome();
  const key = gpgKey(home, uid);
  const keyringDir = join(home, 'keyring');
  mkdirSync(keyringDir);
  writeFileSync(join(keyringDir, `${key.fingerprint}.asc`), key.publicKey);
  return { key, home, keyringDir };
}

/** What a file of try-it tests starts its backend with (startBackend's arguments). */
export interface BackendOptions {
  keyringDir?: string;
  settings?: ConfigInput;
}

/** The backend and browser a file of try-it tests shares; filled in before its first test runs. */
export interface TryItSuite {
  server: Server;
  base: string;
  token: string;
  adminToken: string;
  context: BrowserContext;
}

/**
 * For a file of try-it tests: before all of them, the bundles built, the backend started with what `prepare`
 * gives (run first: making keys, writing a policy) and Chromium launched; when the file ends, both closed.
 */
export function tryItSuite(prepare: () => BackendOptions | Promise<BackendOptions> = () => ({})): TryItSuite {
  const suite = {} as TryItSuite;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildOutlook();
    const { keyringDir, settings } = await prepare();
    Object.assign(suite, await startBackend(keyringDir, settings));
    const browser = await launchBrowser();
    stopAtFileEnd(browser.close);
    suite.context = browser.context;
  }, 240_000);
  return suite;
}
