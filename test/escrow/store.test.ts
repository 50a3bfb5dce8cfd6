/**
 * The escrow store's own guarantees, in SQLite and in PostgreSQL alike: the audit log is append-only, network
 * details expire by policy, recipients and codes change in single statements (requests at once neither lose nor
 * share a try), a message and its recipients are stored together or not at all, and a shred takes every key and
 * credential at once. Then what only SQLite promises: no copy of a shredded secret left in the file, and its
 * tables under the one migration list.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EscrowStore, NewRecipient } from '../../src/server/escrow/store';
import { sqliteEscrowStore } from '../../src/server/escrow/sqlite-store';
import { migrate, MIGRATIONS } from '../../src/server/store/migrations';
import { DATABASE_FILE, openSqliteStore, type SqliteStore } from '../../src/server/store/sqlite';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { scratchDir } from '../helpers/scratch';
import { bytes, message } from './message-fixture';
import { openPostgresForTest, openSqliteForTest, type OpenedStore } from '../server/store/opened-stores';

/**
 * A refusal by the database, matched on what it says. Not `.rejects.toThrow`: when jest runs this file after another
 * one in the same worker, better-sqlite3 still builds its errors with the first file's SqliteError (jest loads the
 * native addon once per process, and the addon takes its error class once), an object of another realm that
 * `toThrow` takes for no error at all.
 */
const refusal = (pattern: RegExp) => ({ message: expect.stringMatching(pattern) });

/** A recipient proven by a mailed code. */
const byCode = (address: string): NewRecipient => ({ address, proof: 'code', signIn: null });

let server: PostgresServer | undefined;
const openPostgres = async () => openPostgresForTest(await (server ??= await startPostgres()).newDatabase());

describe.each([
  ['SQLite', async () => openSqliteForTest()],
  ['PostgreSQL', openPostgres],
])('escrow store in %s', (_, open: () => Promise<OpenedStore>) => {
  let db: OpenedStore;
  let store: EscrowStore;
  beforeEach(async () => {
    db = await open();
    store = db.store.escrow;
  });
  afterEach(() => db.store.close());

  test('hasMessages: false on a new database, true once any message was stored', async () => {
    expect(await store.hasMessages()).toBe(false);
    await store.insertMessage(message('m1'), []);
    expect(await store.hasMessages()).toBe(true);
  });

  test('audit entries cannot be rewritten or deleted, only their IP and user agent blanked after retention', async () => {
    const viewed = {
      messageId: 'm',
      at: 5000,
      event: 'viewed',
      recipient: 'bob@x.test',
      ip: '192.0.2.2',
      userAgent: 'UA',
    } as const;
    await store.appendAudit({ messageId: 'm', at: 1000, event: 'created', ip: '192.0.2.1', userAgent: 'UA' });
    await store.appendAudit(viewed);
    expect(await store.forgetNetworkDetails(2000)).toBe(1);
    expect(await store.forgetNetworkDetails(2000)).toBe(0);
    expect(await store.audit('m')).toEqual([{ messageId: 'm', at: 1000, event: 'created' }, viewed]);
    for (const sql of [
      'DELETE FROM escrow_audit',
      "UPDATE escrow_audit SET event = 'revoked'",
      "UPDATE escrow_audit SET recipient = 'eve@x.test'",
      "UPDATE escrow_audit SET ip = '203.0.113.9'",
    ])
      await expect(db.raw(sql)).rejects.toMatchObject(refusal(/append-only/));
    expect(await store.audit('m')).toHaveLength(2);
  });

  test('the audit counts a recipient’s events since a time and finds each recipient’s first one', async () => {
    for (const [at, recipient] of [
      [100, 'bob@x.test'],
      [200, 'carol@x.test'],
      [300, 'bob@x.test'],
    ] as const)
      await store.appendAudit({ messageId: 'm', at, event: 'viewed', recipient });
    await store.appendAudit({ messageId: 'm', at: 50, event: 'code-sent', recipient: 'bob@x.test' });
    await store.appendAudit({ messageId: 'other', at: 10, event: 'viewed', recipient: 'bob@x.test' });
    expect(await store.countAudit('m', 'bob@x.test', 'viewed', 0)).toBe(2);
    expect(await store.countAudit('m', 'bob@x.test', 'viewed', 101)).toBe(1);
    expect(await store.countAudit('m', 'dave@x.test', 'viewed', 0)).toBe(0);
    expect(await store.firstEvents('m', 'viewed')).toEqual(
      new Map([
        ['bob@x.test', 100],
        ['carol@x.test', 200],
      ]),
    );
  });

  test('shredding removes the sealed server secret, the wrapped keys, codes and sessions; the message leaves the expiry list', async () => {
    await store.insertMessage({ ...message('m1'), passcodeWrappedKey: bytes(60), passcodeCheck: bytes(32) }, [
      byCode('b@x.test'),
    ]);
    await store.insertMessage({ ...message('m2'), expiresAt: 20 }, [byCode('b@x.test')]);
    await store.putCode({ messageId: 'm1', address: 'b@x.test', hash: bytes(32), expiresAt: 100, tries: 0 });
    const session = { hash: bytes(32), messageId: 'm1', address: 'b@x.test', csrf: 'c', expiresAt: 100 };
    await store.insertSession(session);
    expect(await store.getSession(session.hash)).toEqual(session);
    expect(await store.expiredIds(10)).toEqual(['m1']);

    await store.shred('m1', 'expired');
    const shredded = await store.getMessage('m1');
    expect(shredded).toMatchObject({
      state: 'expired',
      sealedServerSecret: null,
      wrappedKey: null,
      passcodeWrappedKey: null,
      senderWrappedKey: null,
      passcodeCheck: null,
    });
    expect(shredded!.wrappedReplyKey).toHaveLength(0);
    expect(await store.claimCodeTry('m1', 'b@x.test', 0, 5)).toBeUndefined();
    expect(await store.getSession(session.hash)).toBeUndefined();
    expect(await store.expiredIds(20)).toEqual(['m2']);
    expect((await store.getMessage('m2'))!.sealedServerSecret).toEqual(bytes(60));
  });

  test('a message is stored with its recipients or not at all', async () => {
    const bad = { address: 'mallory@x.test', proof: 'none', signIn: null } as unknown as NewRecipient;
    await expect(store.insertMessage(message('m1'), [byCode('bob@x.test'), bad])).rejects.toMatchObject(
      refusal(/check constraint/i),
    );
    expect(await store.getMessage('m1')).toBeUndefined();
    expect(await store.recipients('m1')).toEqual([]);

    const signIn = {
      address: 'carol@x.test',
      proof: 'sign-in',
      signIn: { provider: 'entra', label: 'Work' },
    };
    await store.insertMessage(message('m1'), [
      byCode('dave@x.test'),
      signIn as NewRecipient,
      byCode('dave@x.test'),
    ]);
    expect(await store.getMessage('m1')).toEqual(message('m1'));
    expect(await store.recipients('m1')).toEqual([
      {
        messageId: 'm1',
        ...signIn,
        state: 'active',
        failures: 0,
        passcodeFailures: 0,
        retryAt: null,
        verifiedAt: null,
      },
      expect.objectContaining({ address: 'dave@x.test', proof: 'code', signIn: null }),
    ]);
  });

  test('finalizing sets the keys and sizes of an uploading message once; messages list newest first', async () => {
    const uploading = {
      ...message('m1'),
      state: 'uploading' as const,
      wrappedKey: null,
      senderWrappedKey: null,
    };
    await store.insertMessage({ ...uploading, blobSizes: null }, []);
    await store.insertMessage({ ...message('m2'), createdAt: 5 }, []);
    await store.insertMessage({ ...message('m3'), owner: 'someone else' }, []);
    const keys = { wrappedKey: bytes(61), passcodeWrappedKey: null, senderWrappedKey: bytes(62) };
    expect(await store.finalize('m1', keys, [40, 2])).toBe(true);
    expect(await store.finalize('m1', { ...keys, wrappedKey: bytes(63) }, [1])).toBe(false);
    expect(await store.getMessage('m1')).toMatchObject({ state: 'ready', ...keys, blobSizes: [40, 2] });
    await store.setExpiry('m1', 1_790_000_000_000);
    expect((await store.getMessage('m1'))!.expiresAt).toBe(1_790_000_000_000);
    expect((await store.listMessages('o')).map((m) => m.id)).toEqual(['m2', 'm1']);
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

  test('wrong tries at once are each counted once; a right one resets only its counter', async () => {
    await store.insertMessage(message('m1'), [byCode('bob@x.test')]);
    const counts = await Promise.all(
      Array.from({ length: 20 }, () => store.addWrongTry('m1', 'bob@x.test', 'failures')),
    );
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    expect(await store.addWrongTry('m1', 'bob@x.test', 'passcodeFailures')).toBe(1);
    expect(await store.addWrongTry('m1', 'nobody@x.test', 'failures')).toBe(0);

    await store.resetTries('m1', 'bob@x.test', 'failures', 7000);
    expect(await store.getRecipient('m1', 'bob@x.test')).toMatchObject({
      failures: 0,
      passcodeFailures: 1,
      verifiedAt: 7000,
    });
    await store.resetTries('m1', 'bob@x.test', 'passcodeFailures');
    expect(await store.getRecipient('m1', 'bob@x.test')).toMatchObject({
      passcodeFailures: 0,
      verifiedAt: 7000,
    });
  });

  test('a wait before the next try keeps the later end: an earlier one never shortens it', async () => {
    await store.insertMessage(message('m1'), [byCode('bob@x.test')]);
    await store.delayTries('m1', 'bob@x.test', 5000);
    await store.delayTries('m1', 'bob@x.test', 3000);
    expect((await store.getRecipient('m1', 'bob@x.test'))!.retryAt).toBe(5000);
    await store.delayTries('m1', 'bob@x.test', 9000);
    expect((await store.getRecipient('m1', 'bob@x.test'))!.retryAt).toBe(9000);
  });

  test('a code gives exactly its tries to requests at once, none once expired, and a new code replaces it', async () => {
    const code = { messageId: 'm1', address: 'bob@x.test', hash: bytes(32), expiresAt: 1000, tries: 0 };
    await store.putCode(code);
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => store.claimCodeTry('m1', 'bob@x.test', 500, 3)),
    );
    const granted = claims.filter((c) => c !== undefined);
    expect(granted.map((c) => c.tries).sort()).toEqual([1, 2, 3]);
    expect(granted[0]).toEqual({ ...code, tries: granted[0]!.tries });

    await store.putCode({ ...code, hash: bytes(31), tries: 0 });
    expect(await store.claimCodeTry('m1', 'bob@x.test', 1000, 3)).toBeUndefined();
    expect(await store.claimCodeTry('m1', 'bob@x.test', 999, 3)).toEqual({
      ...code,
      hash: bytes(31),
      tries: 1,
    });
    await store.deleteCode('m1', 'bob@x.test');
    expect(await store.claimCodeTry('m1', 'bob@x.test', 0, 3)).toBeUndefined();
  });

  test('replies are kept per message, sizes set once uploaded (only the first finalize stores them)', async () => {
    await store.insertMessage(message('m1'), [byCode('bob@x.test')]);
    const reply = {
      id: 'r1',
      messageId: 'm1',
      address: 'bob@x.test',
      createdAt: 100,
      ephemeralPublicKey: bytes(65),
      tag: bytes(32),
      blobCount: 2,
      blobSizes: null,
    };
    await store.insertReply(reply);
    await store.insertReply({ ...reply, id: 'r0', createdAt: 50, tag: null });
    // Finalizes at once (a retry while the first still runs): exactly one stores the sizes.
    const atOnce = [store.finalizeReply('m1', 'r1', [10, 20]), store.finalizeReply('m1', 'r1', [10, 20])];
    expect((await Promise.all(atOnce)).sort()).toEqual([false, true]);
    expect(await store.finalizeReply('m1', 'r1', [1])).toBe(false);
    expect(await store.getReply('m1', 'r1')).toEqual({ ...reply, blobSizes: [10, 20] });
    expect(await store.getReply('m2', 'r1')).toBeUndefined();
    expect((await store.listReplies('m1')).map((r) => [r.id, r.tag])).toEqual([
      ['r0', null],
      ['r1', bytes(32)],
    ]);
  });
});

describe('escrow store in SQLite only', () => {
  let dir: string;
  let service: SqliteStore;
  let store: EscrowStore;
  beforeEach(() => {
    dir = scratchDir('escrow-store');
    service = openSqliteStore(dir);
    store = service.escrow;
  });
  afterEach(() => service.close());

  // PostgreSQL cannot promise this (old row versions stay until VACUUM, and in the WAL): there the server key,
  // kept outside the database, is what keeps a shredded message closed (see postgres-store.ts).
  test('a shredded secret leaves no copy in the database file', async () => {
    const secret = new Uint8Array(randomBytes(60));
    await store.insertMessage({ ...message('m1'), sealedServerSecret: secret }, [byCode('b@x.test')]);
    await store.shred('m1', 'revoked');
    await service.close();
    expect(readFileSync(join(dir, DATABASE_FILE)).includes(Buffer.from(secret))).toBe(false);
    service = openSqliteStore(dir);
  });

  test('the escrow tables are in the service database, at the versions of the one migration list', async () => {
    await store.insertMessage(message('m1'), [byCode('bob@partner.test')]);
    await service.tokens.insert({ id: 't', name: 'n', role: 'sender', hash: 'h', createdAt: '2026-01-01' });
    const db = new Database(join(dir, DATABASE_FILE));
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
});
