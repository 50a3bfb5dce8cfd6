/**
 * The add-on in a real Thunderbird (Debian's package) under Xvfb, driven over Marionette, sending through the
 * test bed's Postfix against a real backend: what arrives in the bed's maildir is what the add-on let out.
 *
 * Recipients: the bed's Postfix delivers `mailbox.sendguard.test` into its maildir and accepts-and-discards the
 * rest of the zone, so every message copies an observer on mailbox.sendguard.test (whose verdict, `encrypted`,
 * is the same as tls-valid's) and the test reads that copy. The OpenPGP recipient is itself on
 * mailbox.sendguard.test, its key made here with gpg and uploaded to the organisation keyring by the admin API.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { bedServerConfig } from '../helpers/bed-services';
import { createServer, type Server } from '../../src/server/serve';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { mailArrives, waitForMail } from '../escrow/maildir';
import { testbed, type Testbed } from '../helpers/testbed';
import { ADDON_ID, SENDER, startThunderbird, type RealThunderbird } from './real-thunderbird';
import { ownCopy } from '../../src/addin/sent/own-copy';
import { ownCopyMessage } from '../../src/thunderbird/own-copy-message';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'thunderbird');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const XPI = join(ROOT, 'dist', 'thunderbird', `sendguard-${version}.xpi`);
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';

/** The whole file, Thunderbird start to cleanup, stays well under three minutes. */
jest.setTimeout(150_000);

let bed: Testbed;
let server: Server;
let base: string;
let token: string;
let tb: RealThunderbird;
const started = Date.now();

/**
 * The OpenPGP recipient: a throwaway GnuPG home holding its key pair, whose public key the admin uploads to the
 * organisation keyring, and whose secret key decrypts what arrives.
 */
const PGP_RECIPIENT = 'pgp-reader@mailbox.sendguard.test';
const gnupgHome = mkdtempSync(join(tmpdir(), 'sendguard-tb-gnupg-'));
const gpg = (args: string[], input?: string) =>
  execFileSync(
    'gpg',
    ['--homedir', gnupgHome, '--batch', '--pinentry-mode', 'loopback', '--passphrase', '', ...args],
    {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(input !== undefined ? { input } : {}),
    },
  );

function makeRecipientKey(): string {
  gpg(['--quick-gen-key', `Pat Reader <${PGP_RECIPIENT}>`, 'future-default', 'default', 'never']);
  return gpg(['--armor', '--export', PGP_RECIPIENT]);
}

/** Ends the gpg-agent gpg started for the throwaway home (and only that one). */
function stopGpgAgent(): void {
  try {
    execFileSync('gpgconf', ['--homedir', gnupgHome, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch {
    // No agent was started.
  }
}

async function uploadToKeyring(adminToken: string, armoredKey: string): Promise<void> {
  const response = await fetch(`${base}/api/v1/admin/keyring`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ armoredKey }),
  });
  if (response.status !== 201) throw new Error(`keyring upload: ${response.status} ${await response.text()}`);
}

async function startBackend(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sendguard-tb-backend-'));
  const store = openSqliteStore(dataDir);
  token = (await issueApiToken(store.tokens, { name: 'thunderbird test', role: 'sender' })).token;
  const admin = (await issueApiToken(store.tokens, { name: 'thunderbird test admin', role: 'admin' })).token;
  await store.close();
  server = await createServer(
    bedServerConfig(bed, dataDir, {
      auth: { apiTokens: true },
      tls: { enabled: false },
      limits: { assessDeadlineMs: 3000 },
    }),
  );
  base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  await uploadToKeyring(admin, makeRecipientKey());
}

/** What the options page stores, and the host permission it asks for, set as if the sender had clicked Allow. */
async function configureAddon(): Promise<void> {
  await tb.marionette.run(
    `const [id, settings, origin] = arguments;
     const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
     const { ExtensionPermissions } = ChromeUtils.importESModule('resource://gre/modules/ExtensionPermissions.sys.mjs');
     const { ExtensionStorageIDB } = ChromeUtils.importESModule('resource://gre/modules/ExtensionStorageIDB.sys.mjs');
     for (let i = 0; i < 200 && !WebExtensionPolicy.getByID(id)?.extension; i++) await new Promise(r => setTimeout(r, 100));
     const extension = WebExtensionPolicy.getByID(id).extension;
     await ExtensionPermissions.add(id, { permissions: [], origins: [origin] }, extension);
     const db = await ExtensionStorageIDB.open(ExtensionStorageIDB.getStoragePrincipal(extension));
     await db.set({ settings });`,
    [ADDON_ID, { backendUrl: base, token }, 'http://127.0.0.1/*'],
  );
}

interface Draft {
  to: string;
  cc?: string;
  subject: string;
  body: string;
}

/** Opens a compose window with the draft, as "Write" would, and waits until its editor is ready. */
async function compose(draft: Draft): Promise<void> {
  await tb.marionette.run(
    `const [draft] = arguments;
     const { MailServices } = ChromeUtils.importESModule('resource:///modules/MailServices.sys.mjs');
     const before = new Set(Services.wm.getEnumerator('msgcompose'));
     const fields = Cc['@mozilla.org/messengercompose/composefields;1'].createInstance(Ci.nsIMsgCompFields);
     Object.assign(fields, { to: draft.to, cc: draft.cc ?? '', subject: draft.subject, body: '<p>' + draft.body + '</p>' });
     const params = Cc['@mozilla.org/messengercompose/composeparams;1'].createInstance(Ci.nsIMsgComposeParams);
     params.type = Ci.nsIMsgCompType.New;
     params.format = Ci.nsIMsgCompFormat.HTML;
     params.composeFields = fields;
     params.identity = MailServices.accounts.allIdentities[0];
     MailServices.compose.OpenComposeWindowWithParams(null, params);
     for (let i = 0; i < 200; i++) {
       const win = [...Services.wm.getEnumerator('msgcompose')].find(w => !before.has(w));
       if (win?.composeEditorReady) { win.focus(); return; }
       await new Promise(r => setTimeout(r, 100));
     }
     throw new Error('the compose window did not open');`,
    [draft],
  );
}

/** Clicks Send in the newest compose window; says whether the window closed (sent) or stayed (cancelled). */
async function clickSend(): Promise<'sent' | 'cancelled'> {
  return tb.marionette.run(
    `const win = Services.wm.getMostRecentWindow('msgcompose');
     win.goDoCommand('cmd_sendNow');
     for (let i = 0; i < 150; i++) {
       await new Promise(r => setTimeout(r, 100));
       if (win.closed) return 'sent';
       // Cancelled: the add-on has answered and the window is unlocked again.
       if (i > 20 && !win.gWindowLocked && !win.gSendOperationInProgress) return 'cancelled';
     }
     throw new Error('the send neither finished nor was cancelled in 15 s');`,
  );
}

/**
 * Opens the shared pane for the newest compose window in its own window, as `messenger.windows.create({ type:
 * 'popup', url: 'popup.html?tabId=N' })` would: Thunderbird's own popup window with the add-on's page in a
 * content tab, loaded with the add-on's principal (so the page gets its `messenger` API). The compose_action
 * popup itself, opened from a script, stays at about:blank under Xvfb.
 */
async function openPane(): Promise<void> {
  await tb.marionette.run(
    `const [id] = arguments;
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
 * Runs \`code\` (an async function body over \`doc\` and \`win\`, the pane page's document and window) inside the pane
 * window's page, which lives in the extensions' content process: through a frame script, answering by message.
 */
async function inPane<T>(code: string, timeoutMs = 30_000): Promise<T> {
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

async function screenshot(name: string): Promise<void> {
  writeFileSync(join(ARTIFACTS, `${name}.png`), await tb.marionette.screenshot());
}

beforeAll(async () => {
  if (!existsSync(XPI)) throw new Error(`${XPI} is missing: run npm run build first`);
  mkdirSync(ARTIFACTS, { recursive: true });
  bed = testbed();
  await startBackend();
  const [host, port] = bed.smtp.good!.split(':');
  tb = await startThunderbird({
    xpi: XPI,
    smtp: { host: host!, port: Number(port) },
    logFile: join(ARTIFACTS, 'thunderbird.log'),
  });
  await configureAddon();
}, 90_000);

afterAll(async () => {
  await tb?.stop();
  await server?.close();
  stopGpgAgent();
  rmSync(gnupgHome, { recursive: true, force: true });
  console.log(`real Thunderbird test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('a confidential message to recipients with good TLS leaves with the forced-TLS tag', async () => {
  const token = `tag-${Date.now()}`;
  await compose({
    to: 'x@tls-valid.sendguard.test',
    cc: `observer@${bed.mailDomain}`,
    subject: `Invoice ${token}`,
    body: IBAN,
  });
  expect(await clickSend()).toBe('sent');
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).toMatch(new RegExp(`^Subject: #secure# Invoice ${token}$`, 'm'));
  // Thunderbird writes custom header names in its own capitalisation (X-Sendguard-Force-Tls).
  expect(raw).toMatch(/^X-Sendguard-Force-TLS: yes$/im);
});

test('a message to a domain that accepts no mail is cancelled and never arrives', async () => {
  const token = `cancel-${Date.now()}`;
  await compose({
    to: 'x@null-mx.sendguard.test',
    cc: `observer@${bed.mailDomain}`,
    subject: token,
    body: 'Hello',
  });
  expect(await clickSend()).toBe('cancelled');
  await screenshot('cancelled');
  expect(await mailArrives(bed.mailDir, (m) => m.includes(token), 3000)).toBe(false);
  await tb.marionette.run(`Services.wm.getMostRecentWindow('msgcompose').close();`);
});

test('a restricted message to a recipient with a key in the organisation keyring leaves encrypted, and gpg decrypts it', async () => {
  const token = `pgp-${Date.now()}`;
  const secret = `${IBAN} Reference ${token}.`;
  await compose({ to: PGP_RECIPIENT, subject: `Statement ${token}`, body: secret });
  await openPane();
  // The sender chooses "restricted" (end-to-end) in the pane's classification picker; the plan becomes OpenPGP.
  const label = await inPane<string>(`
    const wait = async (what, find) => {
      for (let i = 0; i < 200; i++) { const found = find(); if (found) return found; await new Promise(r => win.setTimeout(r, 100)); }
      throw new Error(what + ' did not appear; the pane says: ' + doc.body.textContent.slice(0, 600));
    };
    const select = await wait('the classification picker', () => doc.querySelector('select'));
    select.value = 'restricted';
    select.dispatchEvent(new win.Event('change', { bubbles: true }));
    const button = await wait('the Encrypt with OpenPGP button', () => [...doc.querySelectorAll('button')]
      .find(b => b.textContent.trim() === 'Encrypt with OpenPGP' && !b.disabled));
    button.click();
    return button.textContent.trim();`);
  expect(label).toBe('Encrypt with OpenPGP');
  // Applied: the compose window now holds the armored body and the applied-protection record.
  const applied = tb.marionette.run(`
    const win = Services.wm.getMostRecentWindow('msgcompose');
    for (let i = 0; i < 200; i++) {
      const text = win.GetCurrentEditor().outputToString('text/plain', 0);
      if (text.includes('-----END PGP MESSAGE-----')) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the body was not encrypted in 20 s: ' + win.GetCurrentEditor().outputToString('text/plain', 0).slice(0, 300));`);
  await applied.catch(async (error: unknown) => {
    await screenshot('pgp-failed');
    throw new Error(
      `${String(error)}; the pane says: ${await inPane<string>('return doc.body.textContent;')}`,
    );
  });
  await screenshot('pgp-applied');
  expect(await clickSend()).toBe('sent');
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).not.toContain('DE89 3704');
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(
    raw.replace(/\r/g, ''),
  )?.[0];
  expect(armored).toBeDefined();
  expect(gpg(['--decrypt'], armored)).toContain(secret);
});

test('with the backend stopped, Send is cancelled and nothing arrives', async () => {
  await server.close();
  const token = `down-${Date.now()}`;
  await compose({ to: `observer@${bed.mailDomain}`, subject: token, body: 'Lunch?' });
  expect(await clickSend()).toBe('cancelled');
  expect(await mailArrives(bed.mailDir, (m) => m.includes(token), 3000)).toBe(false);
});

test('the sender’s copy of their link goes into the sending account’s Inbox by messages.import, read back as written', async () => {
  const link = `${base}/pickup/#s1.AAAAAAAAAAAAAAAAAAAAAA.${'R'.repeat(43)}`;
  const copy = ownCopy(SENDER, {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    senderUrl: link,
    expiresAt: '2036-01-01T00:00:00.000Z',
    recipients: ['bob@partner.test'],
    sentAt: new Date(),
    subject: 'Befund für Frau Müller',
  });
  await compose({ to: `observer@${bed.mailDomain}`, subject: 'Own copy', body: 'x' });
  await openPane();
  // The calls own-mailbox.ts makes, with the add-on's own permissions, from its pane page.
  const imported = await inPane<{ folder: string; subject: string; author: string; body: string }>(`
    const [raw] = ${JSON.stringify([ownCopyMessage(copy, `real-${Date.now()}`, new Date())])};
    const page = win.wrappedJSObject;
    const api = page.messenger;
    const [tab] = await api.tabs.query({ type: 'messageCompose' });
    const { identityId } = await api.compose.getComposeDetails(tab.id);
    const identity = await api.identities.get(identityId);
    const [inbox] = await api.folders.query(Cu.cloneInto({ accountId: identity.accountId, specialUse: ['inbox'] }, page));
    const file = new page.File(Cu.cloneInto([raw], page), 'own-copy.eml', Cu.cloneInto({ type: 'message/rfc822' }, page));
    const header = await api.messages.import(file, inbox.id);
    const full = await api.messages.getFull(header.id);
    const text = full.parts[0].parts.find(p => p.contentType === 'text/plain').body;
    return { folder: inbox.specialUse.join(), subject: header.subject, author: header.author, body: text };`);
  expect(imported).toEqual({
    folder: 'inbox',
    subject: copy.subject,
    author: SENDER,
    body: expect.stringContaining(link),
  });
});
