/**
 * What the Chromium tests of the Keys, Secure messages and Policy pages start from: `sendguard serve` (the built
 * command, API tokens required, as deployed) with the shipped policy file, an admin's and a sender's token issued
 * into its store before it starts, and the console signed in with the admin's token on one of its tabs. All is
 * stopped when the test file ends.
 */
import type { Page } from 'playwright-core';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { launchChromium } from '../helpers/chromium';
import { DEFAULT_POLICY_FILE } from '../helpers/policy';
import { scratchDir, stopAtFileEnd } from '../helpers/scratch';
import { buildService, startServe, type ServeProcess } from '../outlook/sendguard-serve';
import { buildConsole } from './built-console';
import { openTab, signInByKeyboard } from './console-page';

export interface ConsoleService {
  service: ServeProcess;
  adminToken: string;
  senderToken: string;
}

export async function startConsoleService(): Promise<ConsoleService> {
  buildService();
  buildConsole();
  const dataDir = scratchDir('console-pages');
  const store = openSqliteStore(dataDir);
  const [{ token: adminToken }, { token: senderToken }] = await Promise.all([
    issueApiToken(store.tokens, { name: 'Console admin', role: 'admin' }),
    issueApiToken(store.tokens, { name: 'Reporting sender', role: 'sender' }),
  ]).finally(() => store.close());
  const service = await startServe(() => ({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir,
    policyFile: DEFAULT_POLICY_FILE,
    auth: { apiTokens: true, devNoAuth: false },
    tls: { enabled: false },
    logLevel: 'warn',
  }));
  stopAtFileEnd(service.stop);
  return { service, adminToken, senderToken };
}

/** A call to the service's API with `token`; the answer's status and its JSON body (undefined for none). */
export async function callApi(
  { service }: ConsoleService,
  token: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${service.base}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** Chromium on the console, signed in with the admin's token, showing `tab`. */
export async function openConsole({ service, adminToken }: ConsoleService, tab: string): Promise<Page> {
  const context = await launchChromium({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
  stopAtFileEnd(() => context.close());
  const page = await context.newPage();
  await page.goto(`${service.base}/admin/`);
  await signInByKeyboard(page, adminToken);
  await openTab(page, tab);
  return page;
}
