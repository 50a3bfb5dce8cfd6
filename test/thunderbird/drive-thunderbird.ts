/**
 * What the real-Thunderbird tests do to a running Thunderbird (real-thunderbird.ts) and the backend behind it:
 * a backend on the bed with a sender and an admin token, a throwaway GnuPG home whose keys the admin uploads to
 * the organisation keyring, the add-on configured as its options page would, compose windows opened as "Write"
 * would, Send clicked, and the shared pane opened and driven from inside its page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import type { ConfigInput } from '../../src/server/config/schema';
import { createServer, type Server } from '../../src/server/serve';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { bedServerConfig } from '../helpers/bed-services';
import { scratchDir, scratchGnupgHome, stopAtFileEnd } from '../helpers/scratch';
import { testbed, type Testbed } from '../helpers/testbed';
import { ADDON_ID, startThunderbird, type RealThunderbird } from './real-thunderbird';

const ROOT = join(__dirname, '..', '..');
/** Where the real-Thunderbird tests leave Thunderbird's log and screenshots. */
export const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'thunderbird');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const XPI = join(ROOT, 'dist', 'thunderbird', `sendguard-${version}.xpi`);

export interface Backend {
  server: Server;
  base: string;
  /** A sender's API token, as the add-on's options hold it. */
  token: string;
  admin: string;
}

/** The service on the bed, deployed as an admin would (API tokens on); `settings` replace whole sections. */
async function startBackend(bed: Testbed, settings: ConfigInput = {}): Promise<Backend> {
  const dataDir = scratchDir('tb-backend');
  const store = openSqliteStore(dataDir);
  const token = (await issueApiToken(store.tokens, { name: 'thunderbird test', role: 'sender' })).token;
  const admin = (await issueApiToken(store.tokens, { name: 'thunderbird test admin', role: 'admin' })).token;
  await store.close();
  const server = await createServer(
    bedServerConfig(bed, dataDir, {
      auth: { apiTokens: true },
      tls: { enabled: false },
      limits: { assessDeadlineMs: 3000 },
      ...settings,
    }),
  );
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, base, token, admin };
}

async function uploadToKeyring(backend: Backend, armoredKey: string): Promise<void> {
  const response = await fetch(`${backend.base}/api/v1/admin/keyring`, {
    method: 'POST',
    headers: { authorization: `Bearer ${backend.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ armoredKey }),
  });
  if (response.status !== 201) throw new Error(`keyring upload: ${response.status} ${await response.text()}`);
}

/**
 * A throwaway GnuPG home: recipients' key pairs made here, their secret keys decrypting what arrives; it goes with
 * its agent when the test file ends.
 */
export interface Gpg {
  run(args: string[], input?: string | Buffer): Buffer;
  /** Makes a key pair for the address and gives its armored public key. */
  makeKey(name: string, address: string): string;
}

function throwawayGpg(): Gpg {
  const home = scratchGnupgHome('tb-gnupg');
  const run = (args: string[], input?: string | Buffer) =>
    execFileSync(
      'gpg',
      ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
      { stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined ? { input } : {}) },
    );
  return {
    run,
    makeKey(name, address) {
      run(['--quick-gen-key', `${name} <${address}>`, 'future-default', 'default', 'never']);
      return run(['--armor', '--export', address]).toString('utf8');
    },
  };
}

/** What the options page stores, and the host permission it asks for, set as if the sender had clicked Allow. */
async function configureAddon(tb: RealThunderbird, backend: Backend): Promise<void> {
  await tb.marionette.run(
    `const [id, settings, origin] = arguments;
     const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
     const { ExtensionStorageIDB } = ChromeUtils.importESModule('resource://gre/modules/ExtensionStorageIDB.sys.mjs');
     for (let i = 0; i < 200 && !WebExtensionPolicy.getByID(id)?.extension; i++) await new Promise(r => setTimeout(r, 100));
     const extension = WebExtensionPolicy.getByID(id).extension;
     await ExtensionPermissions.add(id, { permissions: [], origins: [origin] }, extension);
     const db = await ExtensionStorageIDB.open(ExtensionStorageIDB.getStoragePrincipal(extension));
     await db.set({ settings });`,
    [ADDON_ID, { backendUrl: backend.base, token: backend.token }, 'http://127.0.0.1/*'],
  );
}

export interface Draft {
  to: string;
  cc?: string;
  subject: string;
  /** Text, written as one paragraph. */
  body?: string;
  /** The HTML body as is, instead of `body`. */
  html?: string;
  /** Files attached as the Attach button's file picker attaches them (by file URL). */
  files?: Array<{ name: string; data: Buffer }>;
  /** As the Priority menu writes it: Lowest, Low, High, Highest (none: normal). */
  priority?: string;
  replyTo?: string;
}

/** Opens a compose window with the draft, as "Write" would, and waits until its editor is ready. */
export async function compose(tb: RealThunderbird, draft: Draft): Promise<void> {
  const folder = scratchDir('tb-attach');
  const files = (draft.files ?? []).map(({ name, data }) => {
    const path = join(folder, name);
    writeFileSync(path, data);
    return path;
  });
  await tb.marionette.run(
    `const [draft, files] = arguments;
     const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
     const before = new Set(Services.wm.getEnumerator('msgcompose'));
     const fields = Cc['@mozilla.org/messengercompose/composefields;1'].createInstance(Ci.nsIMsgCompFields);
     const body = draft.html ?? '<p>' + draft.body + '</p>';
     Object.assign(fields, {
       to: draft.to, cc: draft.cc ?? '', subject: draft.subject, body,
       priority: draft.priority ?? '', replyTo: draft.replyTo ?? '',
     });
     const params = Cc['@mozilla.org/messengercompose/composeparams;1'].createInstance(Ci.nsIMsgComposeParams);
     params.type = Ci.nsIMsgCompType.New;
     params.format = Ci.nsIMsgCompFormat.HTML;
     params.composeFields = fields;
     params.identity = MailServices.accounts.allIdentities[0];
     MailServices.compose.OpenComposeWindowWithParams(null, params);
     for (let i = 0; i < 200; i++) {
       const win = [...Services.wm.getEnumerator('msgcompose')].find(w => !before.has(w));
       if (win?.composeEditorReady) {
         const attachments = files.map(path => {
           const file = Cc['@mozilla.org/file/local;1'].createInstance(Ci.nsIFile);
           file.initWithPath(path);
           return win.FileToAttachment(file);
         });
         if (attachments.length > 0) await win.AddAttachments(attachments);
         win.focus();
         return;
       }
       await new Promise(r => setTimeout(r, 100));
     }
     throw new Error('the compose window did not open');`,
    [draft, files],
  );
}

/**
 * Clicks Send in the newest compose window; says whether the message went (the window closes) or the send was
 * cancelled (it stays, unlocked).
 */
export async function clickSend(tb: RealThunderbird): Promise<'sent' | 'cancelled'> {
  return tb.marionette.run(
    `const win = Services.wm.getMostRecentWindow('msgcompose');
     // What the Send button runs (cmd_sendNow): it returns once the onBeforeSend listeners have decided, having
     // started the send or, cancelled, unlocked the window again.
     await win.SendMessage();
     if (!win.closed && !win.gSendOperationInProgress) return 'cancelled';
     for (let i = 0; i < 150; i++) {
       if (win.closed) return 'sent';
       await new Promise(r => setTimeout(r, 100));
     }
     throw new Error('the send started but the window did not close in 15 s');`,
  );
}

/**
 * Opens the shared pane for the newest compose window in its own window, as `messenger.windows.create({ type:
 * 'popup', url: 'popup.html?tabId=N' })` would: Thunderbird's own popup window with the add-on's page in a
 * content tab, loaded with the add-on's principal (so the page gets its `messenger` API). The compose_action
 * popup itself, opened from a script, stays at about:blank under Xvfb.
 */
export async function openPane(tb: RealThunderbird): Promise<void> {
  // A pane left from an earlier message closes when its compose window has gone, but on a busy machine it may
  // still be open now, and inPane must not find it (its tab is gone: "Invalid tab ID"): close every one first.
  await tb.marionette.run(
    `const [id] = arguments;
     for (const w of Services.wm.getEnumerator('mail:extensionPopup')) w.close();
     for (let i = 0; i < 100 && Services.wm.getEnumerator('mail:extensionPopup').hasMoreElements(); i++)
       await new Promise(r => setTimeout(r, 100));
     const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
     const { getMessageManagerGroup } = ChromeUtils.importESModule('resource:///modules/ExtensionUtilities.sys.mjs');
     const extension = WebExtensionPolicy.getByID(id).extension;
     const compose = Services.wm.getMostRecentWindow('msgcompose');
     const tabId = ExtensionParent.apiManager.global.tabTracker.getId(compose);
     const url = extension.baseURI.resolve('popup.html?tabId=' + tabId);
     const actionData = {
       action: 'open',
       linkHandler: getMessageManagerGroup(),
       triggeringPrincipal: extension.principal,
       tabs: [{ tabType: 'contentTab', tabParams: { url } }],
     };
     actionData.wrappedJSObject = actionData;
     const args = Cc['@mozilla.org/array;1'].createInstance(Ci.nsIMutableArray);
     args.appendElement(null);
     args.appendElement(actionData);
     Services.ww.openWindow(null, 'chrome://messenger/content/extensionPopup.xhtml', '_blank',
       'chrome,dialog=no,resizable,width=480,height=900', args);`,
    [ADDON_ID],
  );
}

/**
 * Runs \`code\` (an async function body over \`doc\` and \`win\`, the pane page's document and window) inside the
 * newest pane window's page, which lives in the extensions' content process: through a frame script, answering
 * by message.
 */
export async function inPane<T>(tb: RealThunderbird, code: string, timeoutMs = 30_000): Promise<T> {
  return tb.marionette.run(
    `const [code] = arguments;
     let browser;
     for (let i = 0; i < 100 && !browser; i++) {
       for (const w of Services.wm.getEnumerator('mail:extensionPopup')) {
         const b = w.document.getElementById('requestFrame');
         if (b?.currentURI?.spec.includes('popup.html')) browser = b;
       }
       if (!browser) await new Promise(r => setTimeout(r, 100));
     }
     if (!browser) throw new Error('the pane window did not open');
     const topic = 'sendguard-test:' + Math.random().toString(36).slice(2);
     const mm = browser.messageManager;
     return new Promise((resolve, reject) => {
       const listener = (message) => {
         mm.removeMessageListener(topic, listener);
         if (message.data.error) reject(new Error(message.data.error));
         else resolve(message.data.value);
       };
       mm.addMessageListener(topic, listener);
       const script = '(async () => { try { const value = await (async (doc, win) => {' + code + '})(content.document, content);'
         + ' sendAsyncMessage(' + JSON.stringify(topic) + ', { value }); }'
         + ' catch (e) { sendAsyncMessage(' + JSON.stringify(topic) + ', { error: String(e && e.stack || e) }); } })();';
       mm.loadFrameScript('data:,' + encodeURIComponent(script), false);
     });`,
    [code],
    timeoutMs,
  );
}

/** Pane code: `wait(what, find)` polls `find` for 20 s and fails naming `what` and what the pane says. */
export const PANE_WAIT = `
  const wait = async (what, find) => {
    for (let i = 0; i < 200; i++) { const found = find(); if (found) return found; await new Promise(r => win.setTimeout(r, 100)); }
    throw new Error(what + ' did not appear; the pane says: ' + doc.body.textContent.slice(0, 600));
  };`;

export async function screenshot(tb: RealThunderbird, folder: string, name: string): Promise<void> {
  writeFileSync(join(folder, `${name}.png`), await tb.marionette.screenshot());
}

/** What a real-Thunderbird test file runs against. */
export interface Scene {
  bed: Testbed;
  backend: Backend;
  tb: RealThunderbird;
  gpg: Gpg;
  /**
   * Ends Thunderbird and the backend, and says how long the file took; done when the test file ends, before its
   * folders go (the backend's data, the GnuPG home, attachments), unless the file has called it already.
   */
  stop(): Promise<void>;
}

/**
 * The bed; a backend on it with `settings`, holding in its organisation keyring the keys of `keyHolders` (made in
 * a throwaway GnuPG home that keeps their secret keys); and Thunderbird with the built add-on set up for it,
 * logging to `<name>.log`.
 */
export async function startScene(options: {
  name: string;
  settings?: ConfigInput;
  keyHolders?: Array<{ name: string; address: string }>;
}): Promise<Scene> {
  if (!existsSync(XPI)) throw new Error(`${XPI} is missing: run npm run build first`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const started = Date.now();
  const bed = testbed();
  const gpg = throwawayGpg();
  let backend: Backend | undefined;
  let tb: RealThunderbird | undefined;
  const stop = stopAtFileEnd(async () => {
    await tb?.stop();
    await backend?.server.close();
    console.log(`${options.name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  try {
    backend = await startBackend(bed, options.settings);
    for (const holder of options.keyHolders ?? [])
      await uploadToKeyring(backend, gpg.makeKey(holder.name, holder.address));
    const [host, port] = bed.smtp.good!.split(':');
    tb = await startThunderbird({
      xpi: XPI,
      smtp: { host: host!, port: Number(port) },
      logFile: join(ARTIFACTS, `${options.name}.log`),
    });
    await configureAddon(tb, backend);
    return { bed, backend, tb, gpg, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
