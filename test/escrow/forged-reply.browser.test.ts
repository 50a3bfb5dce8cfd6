/**
 * Replies the server cannot forge, in real Chromium: someone who can write to the service's database and blob
 * folder makes a reply "from" a recipient with everything the server holds — a fresh ephemeral key, ciphertext
 * encrypted to the message's reply public key — and a tag made without the content key. The sender's page
 * shows it as a reply that could not be verified and shows none of its content, next to a real reply it opens.
 */
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { byteSource } from '../../src/core/escrow/byte-source';
import { concatBytes, randomBytes, toBase64Url } from '../../src/core/escrow/bytes';
import { parseFragment } from '../../src/core/escrow/link';
import { openManifest, packStreams } from '../../src/core/escrow/package';
import { replyTag } from '../../src/core/escrow/reply-tag';
import {
  replyContentKey,
  replyKeyForRecipient,
  unwrapReplyPrivateKey,
} from '../../src/core/escrow/sender-keys';
import { ReplyManifest } from '../../src/core/escrow/wire';
import { blobName } from '../../src/server/escrow/blobs';
import { DATABASE_FILE } from '../../src/server/store/sqlite';
import { launchChromium } from '../helpers/chromium';
import { escrowSample, pickupByCode, recordingMailer, startEscrowServer, type EscrowServer } from './harness';
import { ensurePortalBuilt } from './portal-build';

const FORGED_TEXT = 'forged-reply-marker: please wire the money to this account';

let server: EscrowServer;
let browser: BrowserContext;
let mailer: ReturnType<typeof recordingMailer>;

beforeAll(async () => {
  await ensurePortalBuilt();
  mailer = recordingMailer();
  server = await startEscrowServer({ mailer });
  browser = await launchChromium({ acceptDownloads: true });
}, 170_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** All of an encrypted stream's bytes. */
async function drain(chunks: AsyncGenerator<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return concatBytes(...parts);
}

/**
 * The forgery, written straight into the service's database and blob folder: what anyone with the server's data
 * can make. The tag is an HMAC under a key derived from a content key the forger made up, since the real one is
 * not on the server.
 */
async function forgeReply(messageId: string, from: string): Promise<string> {
  const db = new Database(join(server.dataDir, DATABASE_FILE));
  try {
    const row = db.prepare('SELECT reply_public_key FROM escrow_messages WHERE id = ?').get(messageId) as {
      reply_public_key: Buffer;
    };
    const { contentKey, ephemeralPublicKey } = await replyKeyForRecipient(
      new Uint8Array(row.reply_public_key),
      messageId,
    );
    const [manifest] = packStreams(contentKey, { text: FORGED_TEXT }, []);
    const ciphertext = await drain(manifest!.chunks);
    const tag = await replyTag({ contentKey: randomBytes(32), messageId, from, ephemeralPublicKey });
    const id = toBase64Url(randomBytes(16));
    mkdirSync(join(server.dataDir, 'escrow-blobs', messageId), { recursive: true });
    writeFileSync(join(server.dataDir, 'escrow-blobs', messageId, blobName(0, id)), ciphertext);
    db.prepare(
      `INSERT INTO escrow_replies (id, message_id, address, created_at, ephemeral_public_key, blob_count, blob_sizes, tag)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
    ).run(
      id,
      messageId,
      from,
      server.clock.now(),
      Buffer.from(ephemeralPublicKey),
      JSON.stringify([ciphertext.length]),
      Buffer.from(tag),
    );
    return id;
  } finally {
    db.close();
  }
}

test('a reply inserted into the database is shown as not verifiable, and nothing of it is shown', async () => {
  const sent = await escrowSample(server);
  const bob = await pickupByCode(server, mailer, sent, 'bob@partner.test');
  await bob.open();
  await bob.reply('the real reply from Bob', []);
  const forgedId = await forgeReply(sent.id, 'bob@partner.test');

  // The forgery is well made: the sender's reply key opens it. Only its tag gives it away.
  const sender = parseFragment(new URL(sent.senderUrl).hash);
  const db = new Database(join(server.dataDir, DATABASE_FILE), { readonly: true });
  const stored = db.prepare('SELECT wrapped_reply_key FROM escrow_messages WHERE id = ?').get(sent.id) as {
    wrapped_reply_key: Buffer;
  };
  const forgedRow = db
    .prepare('SELECT ephemeral_public_key FROM escrow_replies WHERE id = ?')
    .get(forgedId) as {
    ephemeral_public_key: Buffer;
  };
  db.close();
  const privateKey = await unwrapReplyPrivateKey(new Uint8Array(stored.wrapped_reply_key), sender.secret);
  const ephemeral = new Uint8Array(forgedRow.ephemeral_public_key);
  const key = await replyContentKey(privateKey, ephemeral, ephemeral, sent.id);
  const onDisk = readFileSync(join(server.dataDir, 'escrow-blobs', sent.id, blobName(0, forgedId)));
  expect((await openManifest(key, byteSource(new Blob([onDisk])), ReplyManifest)).text).toBe(FORGED_TEXT);

  const page = await browser.newPage();
  await page.goto(sent.senderUrl);
  await page.getByTestId('reply-unverified').waitFor();
  expect(await page.getByTestId('reply-body').allTextContents()).toEqual(['the real reply from Bob']);
  expect(await page.getByTestId('reply-unverified').textContent()).toContain(
    'A reply said to be from bob@partner.test',
  );
  expect(await page.getByTestId('reply-unverified').textContent()).toContain(
    'could not be verified — it may have been made by someone with access to the server; do not trust it',
  );
  expect(await page.content()).not.toContain('forged-reply-marker');
  await page.close();
}, 60_000);
