/**
 * A split in a real Thunderbird (issue 22), driven through the shared pane as a sender would: a message with
 * attachments (a binary, a text file and an attached message) and an inline image, to two recipients that need
 * different protections, split and sent in one step, arrives at the bed's Postfix as two messages that each carry
 * the whole message, byte for byte (the OpenPGP one with the inline image as an encrypted file).
 *
 * The backend's policy here disables secure pickup and lets a confidential message go by forced TLS or OpenPGP,
 * so that no one protection serves both recipients: tls-reader@mailbox.sendguard.test (verdict `encrypted`, no
 * key) gets forced TLS; split-reader@no-starttls.sendguard.test (verdict `none`, its key made here with gpg and
 * uploaded to the organisation keyring) gets OpenPGP. The bed delivers both into its maildir.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SHIPPED_POLICY_FILE } from '../../src/server/config/schema';
import { deliveredWith, waitForMail } from '../escrow/maildir';
import { contentIdOf, fileNameOf, leaves, parseMime, type MimePart } from '../helpers/mime-parts';
import { scratchDir } from '../helpers/scratch';
import type { Testbed } from '../helpers/testbed';
import {
  ARTIFACTS,
  compose,
  inPane,
  openPane,
  PANE_WAIT,
  screenshot,
  startScene,
  type Gpg,
} from './drive-thunderbird';
import type { RealThunderbird } from './real-thunderbird';

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
/** An earlier message attached as it is (an item: message/rfc822). */
const EARLIER = Buffer.from(
  'From: Bob <bob@partner.example>\r\nTo: sender@mailbox.sendguard.test\r\nSubject: Draft contract\r\n' +
    'Date: Mon, 7 Dec 2026 07:00:00 +0000\r\nMessage-ID: <draft-1@partner.example>\r\n\r\nSee the draft.\r\n',
  'latin1',
);
const FILES = [
  { name: 'contract.pdf', data: CONTRACT },
  { name: 'notes.txt', data: NOTES },
  { name: 'Draft contract.eml', data: EARLIER },
];
/** A 1×1 PNG, inserted in the body as Thunderbird's image dialog inserts one: a data: URL. */
const LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

let bed: Testbed;
let tb: RealThunderbird;
let gpg: Gpg;

/**
 * The shipped policy without secure pickup (which no classification may then prefer): a confidential message goes
 * by forced TLS or else OpenPGP; one more classification, as strict, prefers OpenPGP.
 */
function splitPolicyFile(): string {
  const policy = parseYaml(readFileSync(SHIPPED_POLICY_FILE, 'utf8')) as {
    escrow: { enabled: boolean };
    classifications: Array<{ name: string; label: string; requirement: string; prefer: string[] }>;
  };
  policy.escrow.enabled = false;
  for (const c of policy.classifications) c.prefer = c.prefer.filter((p) => p !== 'escrow');
  const confidential = policy.classifications.findIndex((c) => c.name === 'confidential');
  expect(policy.classifications[confidential]).toMatchObject({
    requirement: 'transport',
    prefer: ['tls', 'pgp'],
  });
  policy.classifications.splice(confidential + 1, 0, {
    name: 'confidential-pgp-first',
    label: 'Confidential, OpenPGP first',
    requirement: 'transport',
    prefer: ['pgp', 'tls'],
  });
  const file = join(scratchDir('tb-policy'), 'policy.yaml');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

beforeAll(async () => {
  ({ bed, tb, gpg } = await startScene({
    name: 'thunderbird-split',
    settings: { policyFile: splitPolicyFile() },
    keyHolders: [{ name: 'Sam Split', address: PGP_READER }],
  }));
}, 90_000);

/** The part attached under `name`: exactly one. */
function attached(message: MimePart, name: string): MimePart {
  const found = leaves(message).filter((part) => fileNameOf(part) === name);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const header = (raw: string, name: string) => parseMime(raw).headers.get(name.toLowerCase());

/** The forced-TLS message: tagged, and the message as written, every attachment and the inline image as they were. */
function expectWholeInTheClear(raw: string, subject: string): void {
  expect(header(raw, 'subject')).toBe(`#secure# ${subject}`);
  const message = parseMime(raw);
  for (const { name, data } of FILES) expect(attached(message, name).content.equals(data)).toBe(true);
  expect(attached(message, 'Draft contract.eml').type).toBe('message/rfc822');
  const html = leaves(message)
    .find((part) => part.type === 'text/html')!
    .content.toString('utf8');
  expect(html).toContain(IBAN);
  const image = leaves(message).find((part) => part.type === 'image/png');
  expect(image?.content.equals(LOGO)).toBe(true);
  expect(html).toContain(`src="cid:${contentIdOf(image!)}"`);
}

/**
 * The OpenPGP message: nothing readable in transit; the body, every attachment and the inline image decrypt to
 * what was written.
 */
function expectWholeEncrypted(raw: string, subject: string): void {
  expect(header(raw, 'subject')).toBe(subject);
  expect(raw).not.toContain('DE89 3704');
  const message = parseMime(raw);
  const armored = leaves(message)
    .map((part) => part.content.toString('utf8'))
    .find((text) => text.includes('-----BEGIN PGP MESSAGE-----'));
  expect(armored).toBeDefined();
  expect(gpg.run(['--decrypt'], armored!).toString('utf8')).toContain(IBAN);
  for (const { name, data } of FILES) {
    expect(gpg.run(['--decrypt'], attached(message, `${name}.pgp`).content).equals(data)).toBe(true);
  }
  // The inline image lived in the HTML as a data: URL, which no attachment list shows: it goes as a file too.
  expect(gpg.run(['--decrypt'], attached(message, 'logo.png.pgp').content).equals(LOGO)).toBe(true);
  expect(leaves(message).some((part) => part.type.startsWith('image/'))).toBe(false);
}

/**
 * The classification decides which group the original keeps (the first in its preference order) and so which
 * one the new message carries everything to: both ways round, each message arrives whole.
 */
test.each([
  ['confidential', 'the original keeps forced TLS, the new message goes by OpenPGP'],
  ['confidential-pgp-first', 'the original keeps OpenPGP, the new message goes by forced TLS'],
])(
  'split and sent in one step as %s (%s): each group gets the whole message, the forced-TLS one with every attachment byte-identical and the inline image as a Content-ID part, the OpenPGP one with attachments and the inline image gpg decrypts to the same bytes',
  async (classification) => {
    const token = `split-${classification}-${Date.now()}`;
    const subject = `Contract ${token}`;
    await compose(tb, {
      to: `${TLS_READER}, ${PGP_READER}`,
      subject,
      html:
        `<p>${IBAN}</p>` +
        `<p><img src="data:image/png;filename=logo.png;base64,${LOGO.toString('base64')}" moz-do-not-send="false" alt="logo"></p>`,
      files: FILES,
      priority: 'High',
      replyTo: 'desk@mailbox.sendguard.test',
    });
    await openPane(tb);
    await inPane(
      tb,
      `${PANE_WAIT}
      const [classification] = ${JSON.stringify([classification])};
      const button = (label) => () => [...doc.querySelectorAll('button')]
        .find(b => b.textContent.trim().startsWith(label) && !b.disabled);
      const select = await wait('the classification picker', () => doc.querySelector('select'));
      select.value = classification;
      select.dispatchEvent(new win.Event('change', { bubbles: true }));
      (await wait('the split button', button('Split into 2 messages'))).click();
      (await wait('the send-all button', button('Protect and send all'))).click();`,
    );
    const arrived = (to: string) =>
      waitForMail(bed.mailDir, (m) => m.includes(token) && m.includes(`To: ${to}`), 30_000);
    const [toTls, toPgp] = await Promise.all([arrived(TLS_READER), arrived(PGP_READER)]).catch(
      async (error: unknown) => {
        await screenshot(tb, ARTIFACTS, `split-${classification}-failed`);
        throw new Error(
          `${String(error)}; the pane says: ${await inPane<string>(tb, 'return doc.body.textContent;')}`,
        );
      },
    );
    // Each went to its own group only, with the original's priority and reply-to.
    for (const [raw, to] of [
      [toTls, TLS_READER],
      [toPgp, PGP_READER],
    ] as const) {
      expect(header(raw, 'to')).toBe(to);
      expect(header(raw, 'cc')).toBeUndefined();
      expect(header(raw, 'x-priority')).toMatch(/^2\b/);
      expect(header(raw, 'reply-to')).toBe('desk@mailbox.sendguard.test');
    }
    expectWholeInTheClear(toTls, subject);
    expectWholeEncrypted(toPgp, subject);
  },
);

test('compose.sendMessage runs the send check: a message it refuses stays, and leaves once only after the sender fixes it', async () => {
  const token = `refused-${Date.now()}`;
  // A recipient whose domain accepts no mail blocks the message; the other would be delivered to the maildir.
  await compose(tb, { to: `x@null-mx.sendguard.test, ${TLS_READER}`, subject: token, body: 'Hello' });
  await openPane(tb);
  const answers = await inPane<string[]>(
    tb,
    `const api = win.wrappedJSObject.messenger;
     const tabId = Number(new URLSearchParams(win.location.search).get('tabId'));
     const send = () =>
       api.compose.sendMessage(tabId, Cu.cloneInto({ mode: 'sendNow' }, win)).then(() => 'sent', (e) => String(e));
     const refused = await send();
     // The sender removes the recipient the check named, in the same compose window, and sends again.
     await api.compose.setComposeDetails(tabId, Cu.cloneInto({ to: [${JSON.stringify(TLS_READER)}] }, win));
     return [refused, await send()];`,
  );
  expect(answers).toEqual([expect.stringMatching(/onBeforeSend/), 'sent']);
  // The refused attempt, had it left, would have been queued at Postfix before the second one: once the second
  // has arrived, it is the only message with the token.
  const raw = await waitForMail(bed.mailDir, (m) => m.includes(token), 30_000);
  expect(header(raw, 'to')).toBe(TLS_READER);
  expect(deliveredWith(bed.mailDir, token)).toEqual([raw]);
});
