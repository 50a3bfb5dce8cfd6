/**
 * The escrow store's own guarantees: the audit log is append-only, network details expire by policy, recipients
 * change in single statements, and its tables live in the service's one database under the one migration list.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EscrowStore, MessageRecord, NewRecipient } from '../../src/server/escrow/store';
import { sqliteEscrowStore } from '../../src/server/escrow/sqlite-store';
import { migrate, MIGRATIONS } from '../../src/server/store/migrations';
import { DATABASE_FILE, openSqliteStore, type SqliteStore } from '../../src/server/store/sqlite';

const bytes = (n: number) => new Uint8Array(n).fill(7);
/** A recipient proven by a mailed code. */
const byCode = (address: string): NewRecipient => ({ address, proof: 'code', signIn: null });

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
    passcodeWrappedKey: null,
    senderWrappedKey: bytes(60),
    blobCount: 1,
    blobSizes: [40],
    passcodeSalt: null,
    passcodeCheck: null,
    replyPublicKey: bytes(65),
    wrappedReplyKey: bytes(100),
    senderAccessHash: bytes(32),
  };
}

let dir: string;
let service: SqliteStore;
let store: EscrowStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sendguard-escrow-store-'));
  service = openSqliteStore(dir);
  store = service.escrow;
});
afterEach(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Another connection to the service's database file, for what the store's interface does not offer. */
function rawDatabase(): Database.Database {
  return new Database(join(dir, DATABASE_FILE));
}

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
  const db = rawDatabase();
  expect(() => db.prepare('DELETE FROM escrow_audit').run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE escrow_audit SET event = 'revoked'").run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE escrow_audit SET ip = '203.0.113.9'").run()).toThrow(/append-only/);
  db.close();
});

test('shredding removes the sealed server secret and the wrapped key, and the message leaves the expiry list', async () => {
  await store.insertMessage(message('m1'), [byCode('b@x.test')]);
  expect(await store.expiredIds(10)).toEqual(['m1']);
  await store.shred('m1', 'expired');
  const shredded = await store.getMessage('m1');
  expect(shredded).toMatchObject({ state: 'expired', sealedServerSecret: null, wrappedKey: null });
  expect(shredded!.wrappedReplyKey).toHaveLength(0);
  expect(await store.expiredIds(10)).toEqual([]);
});

test('a shredded secret leaves no copy in the database file', async () => {
  const secret = new Uint8Array(randomBytes(60));
  await store.insertMessage({ ...message('m1'), sealedServerSecret: secret }, [byCode('b@x.test')]);
  await store.shred('m1', 'revoked');
  await service.close();
  expect(readFileSync(join(dir, DATABASE_FILE)).includes(Buffer.from(secret))).toBe(false);
  service = openSqliteStore(dir);
});

test('revoking a recipient changes only its state: a wrong try counted meanwhile is kept', async () => {
  await store.insertMessage(message('m1'), [byCode('bob@partner.test'), byCode('carol@partner.test')]);
  const before = await store.getRecipient('m1', 'bob@partner.test');
  // A wrong try lands between the sender's read and the revocation.
  await store.addWrongTry('m1', 'bob@partner.test', 'failures');
  await store.delayTries('m1', 'bob@partner.test', 5000);
  expect(await store.revokeRecipient('m1', 'bob@partner.test')).toBe(true);
  expect(before).toMatchObject({ state: 'active', failures: 0, retryAt: null });
  expect(await store.getRecipient('m1', 'bob@partner.test')).toMatchObject({
    state: 'revoked',
    failures: 1,
    retryAt: 5000,
  });
  expect(await store.getRecipient('m1', 'carol@partner.test')).toMatchObject({ state: 'active' });
  expect(await store.revokeRecipient('m1', 'dave@partner.test')).toBe(false);
});

test('the escrow tables are in the service database, at the versions of the one migration list', async () => {
  await store.insertMessage(message('m1'), [byCode('bob@partner.test')]);
  await service.tokens.insert({ id: 't', name: 'n', role: 'sender', hash: 'h', createdAt: '2026-01-01' });
  const db = rawDatabase();
  expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual(
    MIGRATIONS.map((m) => ({ version: m.version })),
  );
  expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'escrow_schema'").get()).toBeUndefined();
  expect(db.prepare('SELECT id FROM escrow_messages').all()).toEqual([{ id: 'm1' }]);
  db.close();
});

test('migration 5: a message from before proofs keeps working — its one passcode-wrapped key, passcode recipients', async () => {
  const db = new Database(':memory:');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < 5),
  );
  const insertMessage = db.prepare(
    `INSERT INTO escrow_messages VALUES (?, 'o', '', 'a@x.test', 0, 10, 'ready', X'01', ?, 1, '[40]', ?, ?, X'02', X'03', X'04')`,
  );
  // Before, a passcode went into the one wrapped key every recipient got.
  insertMessage.run('with-passcode', Buffer.from('W with PK'), Buffer.alloc(16), Buffer.alloc(32));
  insertMessage.run('without', Buffer.from('W'), null, null);
  const insertRecipient = db.prepare(
    `INSERT INTO escrow_recipients (message_id, address, state) VALUES (?, ?, 'active')`,
  );
  insertRecipient.run('with-passcode', 'pat@x.test');
  insertRecipient.run('without', 'bob@x.test');
  migrate(db);
  const migrated = sqliteEscrowStore(db);
  try {
    expect(await migrated.getMessage('with-passcode')).toMatchObject({
      wrappedKey: new Uint8Array(Buffer.from('W with PK')),
      passcodeWrappedKey: new Uint8Array(Buffer.from('W with PK')),
      senderWrappedKey: null,
    });
    expect(await migrated.getMessage('without')).toMatchObject({ passcodeWrappedKey: null });
    expect(await migrated.getRecipient('with-passcode', 'pat@x.test')).toMatchObject({
      proof: 'passcode',
      signIn: null,
    });
    expect(await migrated.getRecipient('without', 'bob@x.test')).toMatchObject({ proof: 'code' });
  } finally {
    db.close();
  }
});
