/**
 * A split in a real Thunderbird (issue 22), driven through the shared pane as a sender would: a message with two
 * attachments and an inline image, to two recipients that need different protections, arrives at the bed's Postfix
 * as two messages that each carry the whole message, byte for byte.
 *
 * The backend's policy here disables secure pickup and lets a confidential message go by forced TLS or OpenPGP,
 * so that no one protection serves both recipients: tls-reader@mailbox.sendguard.test (verdict `encrypted`, no
 * key) gets forced TLS; split-reader@no-starttls.sendguard.test (verdict `none`, its key made here with gpg and
 * uploaded to the organisation keyring) gets OpenPGP. The bed delivers both into its maildir.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SHIPPED_POLICY_FILE } from '../../src/server/config/schema';
import { mailArrives, waitForMail } from '../escrow/maildir';
import { testbed, type Testbed } from '../helpers/testbed';
import {
  compose,
  configureAddon,
  inPane,
  openPane,
  PANE_WAIT,
  screenshot,
  startBackend,
  throwawayGpg,
  uploadToKeyring,
  type Backend,
} from './drive-thunderbird';
import { contentIdOf, fileNameOf, leaves, parseMime, type MimePart } from './mime-parts';
import { startThunderbird, type RealThunderbird } from './real-thunderbird';

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test', 'artifacts', 'thunderbird');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const XPI = join(ROOT, 'dist', 'thunderbird', `sendguard-${version}.xpi`);

/** The whole file, Thunderbird start to cleanup, stays well under three minutes. */
jest.setTimeout(120_000);

const TLS_READER = 'tls-reader@mailbox.sendguard.test';
const PGP_READER = 'split-reader@no-starttls.sendguard.test';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';

/** A PDF-like binary holding every byte value, and a UTF-8 text file: what must arrive unchanged. */
const CONTRACT = Buffer.concat([
  Buffer.from('%PDF-1.4\n', 'latin1'),
  Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  Buffer.from('\n%%EOF\n', 'latin1'),
]);
const NOTES = Buffer.from('Übergabe am Montag.\nZweite Zeile, ohne Umbruch am Ende', 'utf8');
/** A 1×1 PNG, inserted in the body as Thunderbird's image dialog inserts one: a data: URL. */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

let bed: Testbed;
let backend: Backend;
let tb: RealThunderbird;
const gpg = throwawayGpg();
const started = Date.now();

/**
 * The shipped policy without secure pickup (which no classification may then prefer): a confidential message goes
 * by forced TLS or else OpenPGP.
 */
function splitPolicyFile(): string {
  const policy = parseYaml(readFileSync(SHIPPED_POLICY_FILE, 'utf8')) as {
    escrow: { enabled: boolean };
    classifications: Array<{ name: string; prefer: string[] }>;
  };
  policy.escrow.enabled = false;
  for (const c of policy.classifications) c.prefer = c.prefer.filter((p) => p !== 'escrow');
  expect(policy.classifications.find((c) => c.name === 'confidential')?.prefer).toEqual(['tls', 'pgp']);
  const file = join(mkdtempSync(join(tmpdir(), 'sendguard-tb-policy-')), 'policy.yaml');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

beforeAll(async () => {
  bed = testbed();
  backend = await startBackend(bed, { policyFile: splitPolicyFile() });
  await uploadToKeyring(backend, gpg.makeKey('Sam Split', PGP_READER));
  const [host, port] = bed.smtp.good!.split(':');
  tb = await startThunderbird({
    xpi: XPI,
    smtp: { host: host!, port: Number(port) },
    logFile: join(ARTIFACTS, 'thunderbird-split.log'),
  });
  await configureAddon(tb, backend);
}, 90_000);

afterAll(async () => {
  await tb?.stop();
  await backend?.server.close();
  gpg.remove();
  console.log(`real Thunderbird split test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** The part attached under `name`: exactly one. */
function attached(message: MimePart, name: string): MimePart {
  const found = leaves(message).filter((part) => fileNameOf(part) === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const header = (raw: string, name: string) => parseMime(raw).headers.get(name.toLowerCase());

test('a split message reaches each group whole: forced TLS with both attachments and the inline image as a Content-ID part, OpenPGP with attachments gpg decrypts to the same bytes', async () => {
  const token = `split-${Date.now()}`;
  await compose(tb, {
    to: `${TLS_READER}, ${PGP_READER}`,
    subject: `Contract ${token}`,
    html:
      `<p>${IBAN}</p>` +
      `<p><img src="data:image/png;filename=logo.png;base64,${LOGO.toString('base64')}" moz-do-not-send="false" alt="logo"></p>`,
    files: [
      { name: 'contract.pdf', data: CONTRACT },
      { name: 'notes.txt', data: NOTES },
    ],
    priority: 'High',
    replyTo: 'desk@mailbox.sendguard.test',
  });
  await openPane(tb);
  await inPane(
    tb,
    `${PANE_WAIT}
    const button = (label) => () => [...doc.querySelectorAll('button')]
      .find(b => b.textContent.trim().startsWith(label) && !b.disabled);
    (await wait('the split button', button('Split into 2 messages'))).click();
    (await wait('the send-all button', button('Protect and send all'))).click();`,
  );
  const arrived = (to: string) =>
    waitForMail(bed.mailDir, (m) => m.includes(token) && m.includes(`To: ${to}`), 30_000);
  const [toTls, toPgp] = await Promise.all([arrived(TLS_READER), arrived(PGP_READER)]).catch(
    async (error: unknown) => {
      await screenshot(tb, ARTIFACTS, 'split-failed');
      throw new Error(
        `${String(error)}; the pane says: ${await inPane<string>(tb, 'return doc.body.textContent;')}`,
      );
    },
  );
  // Each went to its own group only, as the sender's Send would have sent it, with the original's priority and
  // reply-to.
  for (const raw of [toTls, toPgp]) {
    expect(header(raw, 'x-priority')).toMatch(/^2\b/);
    expect(header(raw, 'reply-to')).toBe('desk@mailbox.sendguard.test');
    expect(header(raw, 'cc')).toBeUndefined();
  }
  expect(header(toTls, 'to')).toBe(TLS_READER);
  expect(header(toPgp, 'to')).toBe(PGP_READER);

  // Forced TLS: tagged, and the message as written.
  expect(header(toTls, 'subject')).toBe(`#secure# Contract ${token}`);
  const tls = parseMime(toTls);
  expect(attached(tls, 'contract.pdf').content.equals(CONTRACT)).toBe(true);
  expect(attached(tls, 'notes.txt').content.equals(NOTES)).toBe(true);
  const html = leaves(tls)
    .find((part) => part.type === 'text/html')!
    .content.toString('utf8');
  const image = leaves(tls).find((part) => part.type === 'image/png');
  expect(image?.content.equals(LOGO)).toBe(true);
  expect(html).toContain(`src="cid:${contentIdOf(image!)}"`);
  expect(html).toContain(IBAN);

  // OpenPGP: nothing readable in transit; the body and each attachment decrypt to what was written.
  expect(toPgp).not.toContain('DE89 3704');
  const pgp = parseMime(toPgp);
  const armored = leaves(pgp)
    .map((part) => part.content.toString('utf8'))
    .find((text) => text.includes('-----BEGIN PGP MESSAGE-----'));
  expect(armored).toBeDefined();
  expect(gpg.run(['--decrypt'], armored!).toString('utf8')).toContain(IBAN);
  const decrypted = (name: string) => gpg.run(['--decrypt'], attached(pgp, `${name}.pgp`).content);
  expect(decrypted('contract.pdf').equals(CONTRACT)).toBe(true);
  expect(decrypted('notes.txt').equals(NOTES)).toBe(true);
});

test('compose.sendMessage runs the send check: a message it refuses is not sent', async () => {
  const token = `refused-${Date.now()}`;
  await compose(tb, { to: 'x@null-mx.sendguard.test', subject: token, body: 'Hello' });
  await openPane(tb);
  const answer = await inPane<string>(
    tb,
    `const api = win.wrappedJSObject.messenger;
     const tabId = Number(new URLSearchParams(win.location.search).get('tabId'));
     return api.compose.sendMessage(tabId, Cu.cloneInto({ mode: 'sendNow' }, win)).then(() => 'sent', (e) => String(e));`,
  );
  expect(answer).toMatch(/onBeforeSend/);
  expect(await mailArrives(bed.mailDir, (m) => m.includes(token), 3000)).toBe(false);
});
