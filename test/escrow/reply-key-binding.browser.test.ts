/**
 * Replies go to the sender's reply key as the sender put it inside the encrypted manifest, never to the key the
 * server's database holds: someone who can write to the database and swaps `reply_public_key` for a key of their
 * own gets no reply to read, because the recipient's portal refuses to reply and uploads nothing. The portal's
 * client is tested in Node; the page's words for it in Chromium.
 */
import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { randomBytes } from '../../src/core/escrow/bytes';
import type { FetchLike } from '../../src/core/escrow/http';
import { parseFragment } from '../../src/core/escrow/link';
import { makeReplyKeys } from '../../src/core/escrow/sender-keys';
import { DATABASE_FILE } from '../../src/server/store/sqlite';
import { PickupClient } from '../../src/portal/pickup-client';
import { launchChromium } from '../helpers/chromium';
import { cookieFetch, escrowSample, recordingMailer, startEscrowServer, type EscrowServer } from './harness';
import {
  b64,
  call,
  makeReplyKeys as independentReplyKeys,
  packMessage,
  senderAccess,
  senderWrap,
  uploadBlobs,
  wrapFor,
  unb64,
} from './independent-client';
import { ensurePortalBuilt } from './portal-build';

let server: EscrowServer;
let mailer: ReturnType<typeof recordingMailer>;
let browser: BrowserContext;

beforeAll(async () => {
  await ensurePortalBuilt();
  browser = await launchChromium();
}, 170_000);
afterAll(() => browser?.close());

beforeEach(async () => {
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
});
// Chromium keeps its connections alive, and the service would wait for them on close.
afterEach(async () => {
  server.app.server.closeAllConnections();
  await server.close();
});

/** A recipient's portal client proven by code for `address`, with every request it makes recorded. */
async function recordedRecipient(pickupUrl: string, address: string) {
  const requests: string[] = [];
  const jar = cookieFetch();
  const fetch: FetchLike = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return jar(input, init);
  };
  const client = new PickupClient(parseFragment(new URL(pickupUrl).hash), { apiBase: server.apiBase, fetch });
  await client.requestCode(address);
  await client.verify(address, mailer.codeFor(address));
  return { client, requests };
}

/** What someone who can write to the service's database does: puts their own reply key in the message's row. */
async function swapReplyKey(messageId: string): Promise<void> {
  const theirs = await makeReplyKeys(randomBytes(32));
  const db = new Database(join(server.dataDir, DATABASE_FILE));
  try {
    const changed = db
      .prepare('UPDATE escrow_messages SET reply_public_key = ? WHERE id = ?')
      .run(Buffer.from(theirs.publicKey), messageId).changes;
    expect(changed).toBe(1);
  } finally {
    db.close();
  }
}

/** Replies the service holds for the message in its database. */
function replyRows(messageId: string): number {
  const db = new Database(join(server.dataDir, DATABASE_FILE), { readonly: true });
  try {
    const row = db.prepare('SELECT COUNT(*) AS n FROM escrow_replies WHERE message_id = ?').get(messageId);
    return (row as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The message's folder of ciphertext, where reply parts would land. */
const blobFiles = (messageId: string) => readdirSync(join(server.dataDir, 'escrow-blobs', messageId)).sort();

test('the reply key the manifest names is the one open gives: the recipient may reply', async () => {
  const sent = await escrowSample(server);
  const { client } = await recordedRecipient(sent.pickupUrl, 'bob@partner.test');
  const opened = await client.open();
  expect(opened.manifest.replyPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
  expect(opened.replyRefusal).toBeUndefined();
  await client.reply('a reply', []);
  expect(replyRows(sent.id)).toBe(1);
});

test('a reply key swapped in the database: the portal refuses to reply and uploads nothing', async () => {
  const sent = await escrowSample(server);
  const blobsBefore = blobFiles(sent.id);
  await swapReplyKey(sent.id);
  const { client, requests } = await recordedRecipient(sent.pickupUrl, 'bob@partner.test');
  const opened = await client.open();
  expect(opened.manifest.subject).toBe('s');
  expect(opened.replyRefusal).toBe('reply-key-mismatch');

  const before = requests.length;
  await expect(client.reply('meant for the sender only', [])).rejects.toMatchObject({
    code: 'PICKUP_REPLY_REFUSED',
  });
  expect(requests.slice(before)).toEqual([]);
  expect(replyRows(sent.id)).toBe(0);
  expect(blobFiles(sent.id)).toEqual(blobsBefore);
});

test('a message whose manifest names no reply key (made before it did) opens, and takes no reply', async () => {
  // Made by the document's client as older add-ins made messages: no reply key in the manifest.
  const http = { base: server.apiBase, headers: { authorization: `Bearer ${server.token}` } };
  const contentKey = randomBytes(32);
  const linkSecret = randomBytes(32);
  const senderSecret = randomBytes(32);
  const replyKeys = independentReplyKeys(senderSecret);
  const blobs = packMessage(contentKey, { subject: 'older', html: '', text: 'older message' }, []);
  const created = await call(http, 'POST', '/messages', {
    recipients: [{ address: 'bob@partner.test', proof: 'code' }],
    expiryDays: 1,
    blobCount: blobs.length,
    replyPublicKey: b64(replyKeys.publicKey),
    wrappedReplyKey: b64(replyKeys.wrappedPrivateKey),
    senderAccess: b64(senderAccess(senderSecret)),
  });
  const { id, serverSecret } = created.json as { id: string; serverSecret: string };
  const blobSizes = await uploadBlobs(http, `/messages/${id}`, blobs);
  const finalized = await call(http, 'POST', `/messages/${id}/finalize`, {
    wrappedKey: b64(wrapFor(contentKey, id, [linkSecret, unb64(serverSecret)])),
    senderWrappedKey: b64(senderWrap(contentKey, id, senderSecret)),
    blobSizes,
  });
  expect(finalized.status).toBe(204);

  const link = `${server.url}/pickup/#r1.${id}.${b64(linkSecret)}`;
  const { client, requests } = await recordedRecipient(link, 'bob@partner.test');
  const opened = await client.open();
  expect(opened.manifest.text).toBe('older message');
  expect(opened.replyRefusal).toBe('no-reply-key');
  const before = requests.length;
  await expect(client.reply('hello', [])).rejects.toMatchObject({ code: 'PICKUP_REPLY_REFUSED' });
  expect(requests.slice(before)).toEqual([]);
  expect(replyRows(id)).toBe(0);
  expect(blobFiles(id)).toEqual(['blob-0']);
});

test('in Chromium, the page opens a message whose reply key was swapped and says why it takes no reply', async () => {
  const sent = await escrowSample(server);
  await swapReplyKey(sent.id);
  const page = await browser.newPage();
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() !== 'GET') uploads.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  await page.goto(sent.pickupUrl);
  await page.getByLabel('Your email address').fill('bob@partner.test');
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await page.getByLabel('Code from the email').fill(mailer.codeFor('bob@partner.test'));
  await page.getByRole('button', { name: 'Open message' }).click();
  await page.getByTestId('replies-not-possible').waitFor();
  expect(await page.getByTestId('subject').textContent()).toBe('s');
  expect(await page.getByTestId('replies-not-possible').textContent()).toContain(
    'Replies are not possible for this message: the server offered a different key for replies than the one the sender put into the encrypted message',
  );
  expect(await page.getByTestId('reply-text').count()).toBe(0);
  expect(uploads.filter((u) => u.includes('/replies'))).toEqual([]);
  expect(replyRows(sent.id)).toBe(0);
  await page.close();
}, 60_000);
