/**
 * The escrow store's own guarantees: the audit log is append-only, network details expire by policy, and schema
 * upgrades keep what is there.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEscrowStore } from '../../src/server/escrow/sqlite-store';
import type { EscrowStore, MessageRecord } from '../../src/server/escrow/store';

const bytes = (n: number) => new Uint8Array(n).fill(7);

/** A finalized message due at t = 10. */
function message(id: string): MessageRecord {
  return {
    id,
    owner: 'o',
    senderName: '',
    senderAddress: 'a@x.test',
    createdAt: 0,
    expiresAt: 10,
    state: 'ready',
    sealedServerSecret: bytes(60),
    wrappedKey: bytes(60),
    blobCount: 1,
    blobSizes: [40],
    passcodeSalt: null,
    passcodeCheck: null,
    replyPublicKey: bytes(65),
    wrappedReplyKey: bytes(100),
    senderAccessHash: bytes(32),
  };
}

let store: EscrowStore;
beforeEach(() => {
  store = openEscrowStore(':memory:');
});
afterEach(() => store.close());

test('audit entries cannot be rewritten or deleted, only their IP and user agent blanked after retention', async () => {
  await store.appendAudit({ messageId: 'm', at: 1000, event: 'created', ip: '192.0.2.1', userAgent: 'UA' });
  await store.appendAudit({
    messageId: 'm',
    at: 5000,
    event: 'viewed',
    recipient: 'bob@x.test',
    ip: '192.0.2.2',
    userAgent: 'UA',
  });
  expect(await store.forgetNetworkDetails(2000)).toBe(1);
  expect(await store.audit('m')).toEqual([
    { messageId: 'm', at: 1000, event: 'created' },
    { messageId: 'm', at: 5000, event: 'viewed', recipient: 'bob@x.test', ip: '192.0.2.2', userAgent: 'UA' },
  ]);
  const db = (store as unknown as { db: import('better-sqlite3').Database }).db;
  expect(() => db.prepare('DELETE FROM escrow_audit').run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE escrow_audit SET event = 'revoked'").run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE escrow_audit SET ip = '203.0.113.9'").run()).toThrow(/append-only/);
});

test('shredding removes the sealed server secret and the wrapped key, and the message leaves the expiry list', async () => {
  await store.insertMessage(message('m1'), ['b@x.test']);
  expect(await store.expiredIds(10)).toEqual(['m1']);
  await store.shred('m1', 'expired');
  const shredded = await store.getMessage('m1');
  expect(shredded).toMatchObject({ state: 'expired', sealedServerSecret: null, wrappedKey: null });
  expect(shredded!.wrappedReplyKey).toHaveLength(0);
  expect(await store.expiredIds(10)).toEqual([]);
});

test('a pending wait is stored per recipient; lock-outs from before the back-off end on upgrade', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-escrow-store-'));
  const file = join(dir, 'escrow.sqlite');
  const upgraded = openEscrowStore(file);
  await upgraded.insertMessage(message('m1'), ['bob@partner.test']);
  const bob = (await upgraded.getRecipient('m1', 'bob@partner.test'))!;
  expect(bob).toMatchObject({ state: 'active', failures: 0, passcodeFailures: 0, retryAt: null });
  await upgraded.updateRecipient({ ...bob, failures: 12, retryAt: 5000 });
  expect(await upgraded.getRecipient('m1', 'bob@partner.test')).toMatchObject({
    failures: 12,
    retryAt: 5000,
  });
  await upgraded.close();
  // The same file as the first schema version left it: Bob locked out for good.
  const db = new Database(file);
  db.exec(`UPDATE escrow_recipients SET state = 'locked';
    ALTER TABLE escrow_recipients DROP COLUMN retry_at;
    DELETE FROM escrow_schema WHERE version > 1;`);
  db.close();
  const reopened = openEscrowStore(file);
  expect(await reopened.getRecipient('m1', 'bob@partner.test')).toMatchObject({
    state: 'active',
    failures: 12,
    retryAt: null,
  });
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
});
