/**
 * A split on the try-it page in real Chromium, against the real service, delivered by the test bed's Postfix.
 *
 * The message has two attachments (different binary bytes) and a picture in its text, and two recipients no one
 * protection serves (escrow off; confidential prefers forced TLS, then OpenPGP): reader@mailbox.sendguard.test
 * (TLS encrypted, no key: forced TLS) and split-reader@no-starttls.sendguard.test (no STARTTLS; a key made by gpg
 * in the organisation keyring: OpenPGP). The sender chooses the classification and splits in the pane; the
 * simulated Outlook opens the new message in a second page, whose own new-message check (the real launch-event
 * bundle) takes the attachments and the classification from the first page's pane over the real BroadcastChannel;
 * the second page's pane encrypts with OpenPGP. Each page's Send
 * runs the real send check. Then the test plays Exchange for each sent item (play-exchange.ts) and reads the bed's
 * maildir: the forced-TLS message has the attachments byte for byte and the picture as the part its HTML shows;
 * the OpenPGP one decrypts with gpg to the same text and bytes (the picture too, as an encrypted file), and holds
 * nothing of the message in the clear.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { SimState } from '../../src/outlook/tryit/simulated-office';
import { gpgDecrypt, type PeerKey } from '../addin/openpgp-peers';
import { waitForMail } from '../escrow/maildir';
import { contentIdOf, fileNameOf, leaves, parseMime, type MimePart } from '../helpers/mime-parts';
import { defaultPolicy } from '../helpers/policy';
import { testbed } from '../helpers/testbed';
import { ARTIFACTS, keyInKeyring, tryItSuite } from './browser';
import { submitAsExchange } from './play-exchange';
import { badge, compose, send } from './try-page';

const SENDER = 'sender@example.gov';
const TLS_READER = 'reader@mailbox.sendguard.test';
const PGP_READER = 'split-reader@no-starttls.sendguard.test';
const IBAN = 'DE89 3704 0044 0532 0130 00';
const TEXT = `The refund goes to IBAN ${IBAN}; the signed contract is attached.`;
/** A 1×1 PNG. */
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const FILES = [
  { name: 'contract.pdf', mimeType: 'application/pdf', buffer: randomBytes(48_000) },
  { name: 'scan.bin', mimeType: 'application/octet-stream', buffer: randomBytes(20_011) },
];

let reader: PeerKey;

const suite = tryItSuite(() => {
  const { key, home, keyringDir } = keyInKeyring(`Split Reader <${PGP_READER}>`);
  reader = key;
  // No secure pickup: confidential mail goes by forced TLS or else OpenPGP, so the two readers need one each.
  const shipped = defaultPolicy();
  const policy = {
    ...shipped,
    escrow: { ...shipped.escrow, enabled: false },
    classifications: shipped.classifications.map((c) => ({
      ...c,
      prefer: c.prefer.filter((p) => p !== 'escrow'),
    })),
  };
  expect(policy.classifications.find((c) => c.name === 'confidential')!.prefer).toEqual(['tls', 'pgp']);
  const policyFile = join(home, 'policy.json');
  writeFileSync(policyFile, JSON.stringify(policy));
  return { keyringDir, settings: { policyFile } };
});

/** The simulated item of a try-it page as it stands. */
const itemOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { sendguardTry: { state: SimState } }).sendguardTry.state);

/** The part of a delivered message attached under this name. */
function attachedAs(parts: readonly MimePart[], name: string): MimePart {
  const found = parts.find((p) => fileNameOf(p) === name);
  if (!found) throw new Error(`no part named ${name}; the parts: ${parts.map(fileNameOf).join(', ')}`);
  return found;
}

test('a split keeps the whole message: both messages arrive, one by forced TLS byte for byte, one decrypting with gpg', async () => {
  const mark = `outlook-split-${Date.now()}`;
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/try/?${new URLSearchParams({ token: suite.token })}`);
  await page.setInputFiles('#attach', FILES);
  await page.setInputFiles('#picture', { name: 'logo.png', mimeType: 'image/png', buffer: PICTURE });
  await compose(page, { to: `${TLS_READER}, ${PGP_READER}`, subject: `Contract ${mark}`, body: TEXT });
  await badge(page, TLS_READER, 'Forced TLS · encrypted only');
  await badge(page, PGP_READER, 'OpenPGP');
  // The sender's own choice (the IBAN already raises the message to it): written on the item at once.
  await page.getByLabel('Classification').selectOption('confidential');
  await page.waitForFunction(
    () =>
      (window as unknown as { sendguardTry: { state: SimState } }).sendguardTry.state.headers[
        'X-Sendguard-Classification'
      ] === 'confidential',
  );

  // The split: the new message opens in a page of its own, and its check takes the attachments and the choice.
  const [opened] = await Promise.all([
    suite.context.waitForEvent('page'),
    page.getByRole('button', { name: 'Split into 2 messages' }).click(),
  ]);
  await opened.locator('body[data-new-message-checked="true"]').waitFor({ timeout: 30_000 });
  await page.getByText('The other groups are open in new messages').waitFor({ timeout: 60_000 });
  await page.screenshot({ path: join(ARTIFACTS, 'split-original.png'), fullPage: true });

  const original = await itemOf(page);
  expect(original.to.map((r) => r.emailAddress)).toEqual([TLS_READER]);
  const handed = await itemOf(opened);
  expect(handed.to.map((r) => r.emailAddress)).toEqual([PGP_READER]);
  expect(handed.subject).toBe(`Contract ${mark}`);
  expect(handed.attachments.map((a) => [a.name, a.isInline, Buffer.from(a.base64, 'base64')])).toEqual([
    ...FILES.map((f) => [f.name, false, f.buffer]),
    ['logo.png', true, PICTURE],
  ]);
  expect(handed.html).toContain('<img src="cid:logo.png"');
  expect(handed.headers).toMatchObject({ 'X-Sendguard-Classification': 'confidential' });

  // The new message's own pane protects it; its own send check lets it go.
  await badge(opened, PGP_READER, 'OpenPGP');
  await opened.getByRole('button', { name: 'Encrypt with OpenPGP' }).click();
  await opened.getByText('encrypted with OpenPGP. You can send it.').waitFor({ timeout: 30_000 });
  await opened.screenshot({ path: join(ARTIFACTS, 'split-opened.png'), fullPage: true });
  expect(await send(opened)).toContain('Sent.');
  const sent = await send(page);
  expect(sent).toContain('Sent.');
  expect(sent).toContain(`Subject: #secure# Contract ${mark}`);

  // Exchange sends each item as it stands; the bed's Postfix delivers both readers into its maildir.
  const bed = testbed();
  await submitAsExchange(bed, SENDER, await itemOf(page));
  await submitAsExchange(bed, SENDER, await itemOf(opened));
  const tls = parseMime(
    await waitForMail(bed.mailDir, (raw) => raw.includes(mark) && /^X-Sendguard-Force-TLS: yes$/im.test(raw)),
  );
  const pgpRaw = await waitForMail(
    bed.mailDir,
    (raw) => raw.includes(mark) && raw.includes('BEGIN PGP MESSAGE'),
  );
  const pgp = parseMime(pgpRaw);

  const tlsParts = leaves(tls);
  for (const file of FILES) expect(attachedAs(tlsParts, file.name).content).toEqual(file.buffer);
  const picture = attachedAs(tlsParts, 'logo.png');
  expect(picture.content).toEqual(PICTURE);
  const html = tlsParts.find((p) => p.type === 'text/html')!.content.toString('utf8');
  expect(html).toContain(`cid:${contentIdOf(picture)}`);
  expect(html).toContain(TEXT);

  const pgpParts = leaves(pgp);
  const armored = pgpParts.find((p) => p.type === 'text/plain')!.content.toString('utf8');
  expect(gpgDecrypt([reader.secretFile], armored).toString('utf8')).toBe(TEXT);
  for (const file of [...FILES, { name: 'logo.png', buffer: PICTURE }]) {
    const encrypted = attachedAs(pgpParts, `${file.name}.pgp`).content;
    expect(gpgDecrypt([reader.secretFile], encrypted)).toEqual(file.buffer);
  }
  // Nothing of the message leaves in clear beside its encrypted parts: not its text, as delivered or in any part
  // decoded, nor the bytes of its files.
  expect(pgpRaw).not.toContain(IBAN);
  for (const part of pgpParts) {
    expect(part.content.toString('utf8')).not.toContain(IBAN);
    for (const secret of [...FILES.map((f) => f.buffer), PICTURE])
      expect(part.content.includes(secret)).toBe(false);
  }
}, 180_000);
