/**
 * What the admin API keeps, alike in the memory store, SQLite and PostgreSQL: verdict changes (one row per domain,
 * changed only when the verdict differs), changed keys (once per address and key found, decided once), pins
 * listed; and in the two databases, secure messages listed across senders a page at a time and the audit log's
 * admin, which no one can rewrite afterwards.
 */
import type { Store } from '../../../src/server/store/store';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { ChangedKey } from '../../../src/server/store/changed-keys';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { message } from '../../escrow/message-fixture';
import { openPostgresForTest, openSqliteForTest, type OpenedStore } from '../store/opened-stores';

let server: PostgresServer | undefined;
const openPostgres = async () => openPostgresForTest(await (server ??= await startPostgres()).newDatabase());
const openService = (kind: 'sqlite' | 'postgres') =>
  kind === 'sqlite' ? Promise.resolve(openSqliteForTest()) : openPostgres();

const FP_OLD = 'A'.repeat(40);
const FP_NEW = 'B'.repeat(40);
const FP_NEWER = 'C'.repeat(40);

const changed = (fingerprint: string, seenAt: number): ChangedKey => ({
  address: 'bob@example.org',
  pinnedFingerprint: FP_OLD,
  fingerprint,
  source: 'wkd',
  reasons: [`the key differs from the pinned key ${FP_OLD}`],
  seenAt,
});

describe.each(['memory', 'sqlite', 'postgres'] as const)('%s store', (kind) => {
  let store: Store;
  beforeEach(async () => {
    store = kind === 'memory' ? openMemoryStore() : (await openService(kind)).store;
  });
  afterEach(() => store.close());

  test('a verdict is recorded when it differs from the last one recorded, the one before it kept as `from`', async () => {
    const { verdictChanges } = store;
    expect(await verdictChanges.last('partner.example')).toBeUndefined();
    expect(await verdictChanges.record('partner.example', 'encrypted', 1000)).toBe(true);
    expect(await verdictChanges.record('partner.example', 'encrypted', 2000)).toBe(false);
    expect(await verdictChanges.last('partner.example')).toEqual({
      domain: 'partner.example',
      from: null,
      to: 'encrypted',
      at: 1000,
    });
    expect(await verdictChanges.record('partner.example', 'authenticated', 3000)).toBe(true);
    expect(await verdictChanges.record('other.example', 'none', 4000)).toBe(true);
    expect(await verdictChanges.last('partner.example')).toEqual({
      domain: 'partner.example',
      from: 'encrypted',
      to: 'authenticated',
      at: 3000,
    });
  });

  test('an `unknown` verdict (a check that could not finish) is no change: the last known one and its time stay', async () => {
    const { verdictChanges } = store;
    expect(await verdictChanges.record('partner.example', 'unknown', 500)).toBe(false);
    expect(await verdictChanges.last('partner.example')).toBeUndefined();
    await verdictChanges.record('partner.example', 'encrypted', 1000);
    await verdictChanges.record('partner.example', 'authenticated', 2000);
    expect(await verdictChanges.record('partner.example', 'unknown', 3000)).toBe(false);
    expect(await verdictChanges.record('partner.example', 'authenticated', 4000)).toBe(false);
    expect(await verdictChanges.last('partner.example')).toEqual({
      domain: 'partner.example',
      from: 'encrypted',
      to: 'authenticated',
      at: 2000,
    });
  });

  test('a changed key is noted once per address and key found, listed newest first until it is decided once', async () => {
    const { changedKeys } = store;
    await changedKeys.note(changed(FP_NEW, 1000));
    await changedKeys.note(changed(FP_NEW, 5000));
    await changedKeys.note(changed(FP_NEWER, 2000));
    await changedKeys.note({ ...changed(FP_NEW, 3000), address: 'carol@example.org' });
    expect(await changedKeys.pending(10)).toEqual([
      { ...changed(FP_NEW, 3000), address: 'carol@example.org' },
      changed(FP_NEWER, 2000),
      changed(FP_NEW, 1000),
    ]);
    expect(await changedKeys.pending(1)).toHaveLength(1);

    const refusal = { decision: 'refused', by: 'ops@clinic.test', at: 6000 } as const;
    expect(await changedKeys.decide('bob@example.org', FP_NEW, refusal)).toBe(true);
    expect(await changedKeys.decide('bob@example.org', FP_NEW, { ...refusal, decision: 'accepted' })).toBe(
      false,
    );
    expect(await changedKeys.decide('dave@example.org', FP_NEW, refusal)).toBe(false);
    // Decided, it is not listed again however often it is found.
    await changedKeys.note(changed(FP_NEW, 7000));
    expect((await changedKeys.pending(10)).map((key) => [key.address, key.fingerprint])).toEqual([
      ['carol@example.org', FP_NEW],
      ['bob@example.org', FP_NEWER],
    ]);
  });

  test('pins are listed by address', async () => {
    const pin = (address: string) => ({
      address,
      fingerprint: FP_OLD,
      firstSeen: '2027-01-01T00:00:00.000Z',
      acceptedBy: 'first-use',
    });
    await store.pins.put(pin('carol@example.org'));
    await store.pins.put(pin('bob@example.org'));
    expect(await store.pins.list()).toEqual([pin('bob@example.org'), pin('carol@example.org')]);
  });
});

describe.each(['sqlite', 'postgres'] as const)('%s escrow store', (kind) => {
  let db: OpenedStore;
  beforeEach(async () => {
    db = await openService(kind);
  });
  afterEach(() => db.store.close());

  test('every sender’s messages, newest first, a page at a time by creation', async () => {
    const { escrow } = db.store;
    const sent = (id: string, owner: string, createdAt: number) =>
      escrow.insertMessage({ ...message(id), owner, createdAt, expiresAt: createdAt + 10 }, []);
    await sent('a'.repeat(22), 'token::token:ann', 100);
    await sent('b'.repeat(22), 'token::token:olga', 200);
    await sent('c'.repeat(22), 'token::token:ann', 300);
    const ids = (page: { id: string }[]) => page.map((m) => m.id[0]);
    expect(ids(await escrow.listAllMessages(10))).toEqual(['c', 'b', 'a']);
    expect(ids(await escrow.listAllMessages(2))).toEqual(['c', 'b']);
    expect(ids(await escrow.listAllMessages(2, { createdAt: 200, id: 'b'.repeat(22) }))).toEqual(['a']);
    expect((await escrow.listAllMessages(1))[0]).toEqual({
      ...message('c'.repeat(22)),
      owner: 'token::token:ann',
      createdAt: 300,
      expiresAt: 310,
    });
  });

  test('messages made in the same millisecond are each listed once across pages', async () => {
    const { escrow } = db.store;
    for (const id of ['d', 'e', 'f', 'g'])
      await escrow.insertMessage({ ...message(id.repeat(22)), createdAt: 500, expiresAt: 510 }, []);
    await escrow.insertMessage({ ...message('h'.repeat(22)), createdAt: 400, expiresAt: 410 }, []);
    const listed: string[] = [];
    let page = await escrow.listAllMessages(2);
    while (page.length > 0) {
      listed.push(...page.map((m) => m.id[0]!));
      const last = page[page.length - 1]!;
      page = await escrow.listAllMessages(2, { createdAt: last.createdAt, id: last.id });
    }
    expect(listed).toEqual(['g', 'f', 'e', 'd', 'h']);
  });

  test('the audit log keeps the admin who acted, and nobody rewrites it', async () => {
    const { escrow } = db.store;
    await escrow.appendAudit({ messageId: 'm', at: 1, event: 'created' });
    await escrow.appendAudit({ messageId: 'm', at: 2, event: 'revoked', admin: 'ops@clinic.test' });
    expect(await escrow.audit('m')).toEqual([
      { messageId: 'm', at: 1, event: 'created' },
      { messageId: 'm', at: 2, event: 'revoked', admin: 'ops@clinic.test' },
    ]);
    for (const sql of [
      "UPDATE escrow_audit SET admin = 'someone@else.test'",
      'UPDATE escrow_audit SET admin = NULL',
    ])
      await expect(db.raw(sql)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    expect((await escrow.audit('m'))[1]).toMatchObject({ admin: 'ops@clinic.test' });
  });
});
