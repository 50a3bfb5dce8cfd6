/**
 * The add-on in a real Thunderbird (Debian's package) under Xvfb, driven over Marionette, sending through the
 * test bed's Postfix against a real backend: what arrives in the bed's maildir is what the add-on let out.
 *
 * Recipients: the bed's Postfix delivers `mailbox.sendguard.test` into its maildir and accepts-and-discards the
 * rest of the zone, so every message copies an observer on mailbox.sendguard.test (whose verdict, `encrypted`,
 * is the same as tls-valid's) and the test reads that copy. The OpenPGP recipient is itself on
 * mailbox.sendguard.test, its key made here with gpg and uploaded to the organisation keyring by the admin API.
 */
import { deliveredWith, waitForMail } from '../escrow/maildir';
import type { Testbed } from '../helpers/testbed';
import {
  ARTIFACTS,
  clickSend,
  compose as composeIn,
  inPane as inPaneOf,
  openPane as openPaneIn,
  PANE_WAIT,
  screenshot as screenshotOf,
  startScene,
  type Backend,
  type Draft,
  type Gpg,
  type Scene,
} from './drive-thunderbird';
import { SENDER, type RealThunderbird } from './real-thunderbird';
import { ownCopy } from '../../src/addin/sent/own-copy';
import { ownCopyMessage } from '../../src/thunderbird/own-copy-message';

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';

/** The whole file, Thunderbird start to cleanup, stays well under three minutes. */
jest.setTimeout(150_000);

/**
 * The OpenPGP recipient: its key pair made in the scene's throwaway GnuPG home, its public key uploaded to the
 * organisation keyring, its secret key decrypting what arrives.
 */
const PGP_RECIPIENT = 'pgp-reader@mailbox.sendguard.test';

let scene: Scene | undefined;
let bed: Testbed;
let backend: Backend;
let base: string;
let tb: RealThunderbird;
let gpg: Gpg;

const compose = (draft: Draft) => composeIn(tb, draft);
const openPane = () => openPaneIn(tb);
const inPane = <T>(code: string) => inPaneOf<T>(tb, code);
const screenshot = (name: string) => screenshotOf(tb, ARTIFACTS, name);

beforeAll(async () => {
  scene = await startScene({
    name: 'thunderbird',
    keyHolders: [{ name: 'Pat Reader', address: PGP_RECIPIENT }],
  });
  ({ bed, backend, tb, gpg } = scene);
  base = backend.base;
}, 90_000);

afterAll(() => scene?.stop());

test('a confidential message to recipients with good TLS leaves with the forced-TLS tag', async () => {
  const token = `tag-${Date.now()}`;
  await compose({
    to: 'x@tls-valid.sendguard.test',
    cc: `observer@${bed.mailDomain}`,
    subject: `Invoice ${token}`,
    body: IBAN,
  });
  expect(await clickSend(tb)).toBe('sent');
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).toMatch(new RegExp(`^Subject: #secure# Invoice ${token}$`, 'm'));
  // Thunderbird writes custom header names in its own capitalisation (X-Sendguard-Force-Tls).
  expect(raw).toMatch(/^X-Sendguard-Force-TLS: yes$/im);
});

test('a message to a domain that accepts no mail is cancelled, and leaves once only after the sender removes that recipient', async () => {
  const token = `cancel-${Date.now()}`;
  const observer = `observer@${bed.mailDomain}`;
  await compose({ to: 'x@null-mx.sendguard.test', cc: observer, subject: token, body: 'Hello' });
  expect(await clickSend(tb)).toBe('cancelled');
  await screenshot('cancelled');
  // The sender removes the recipient the check named, in the same window, and clicks Send again.
  await openPane();
  await inPane(`const api = win.wrappedJSObject.messenger;
    const tabId = Number(new URLSearchParams(win.location.search).get('tabId'));
    await api.compose.setComposeDetails(tabId, Cu.cloneInto({ to: [] }, win));`);
  expect(await clickSend(tb)).toBe('sent');
  // The cancelled attempt, had it left, would have been queued at Postfix before this one: once this one has
  // arrived, it is the only message with the token.
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).not.toContain('null-mx');
  expect(deliveredWith(bed.mailDir, token)).toEqual([raw]);
});

test('a restricted message to a recipient with a key in the organisation keyring leaves encrypted, and gpg decrypts it', async () => {
  const token = `pgp-${Date.now()}`;
  const secret = `${IBAN} Reference ${token}.`;
  await compose({ to: PGP_RECIPIENT, subject: `Statement ${token}`, body: secret });
  await openPane();
  // The sender chooses "restricted" (end-to-end) in the pane's classification picker; the plan becomes OpenPGP.
  const label = await inPane<string>(`${PANE_WAIT}
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
  expect(await clickSend(tb)).toBe('sent');
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 15_000);
  expect(raw).not.toContain('DE89 3704');
  const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(
    raw.replace(/\r/g, ''),
  )?.[0];
  expect(armored).toBeDefined();
  expect(gpg.run(['--decrypt'], armored).toString('utf8')).toContain(secret);
});

test('with the backend stopped, Send is cancelled and nothing arrives', async () => {
  await backend.server.close();
  const token = `down-${Date.now()}`;
  await compose({ to: `observer@${bed.mailDomain}`, subject: token, body: 'Lunch?' });
  // Cancelled: the window stays with the message in it, where Thunderbird closes it once a message has gone.
  expect(await clickSend(tb)).toBe('cancelled');
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
