/** The escrow store's own guarantees: the audit log is append-only, and network details expire by policy. */
import { openEscrowStore } from '../../src/server/escrow/sqlite-store';
import type { EscrowStore } from '../../src/server/escrow/store';

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
  const bytes = (n: number) => new Uint8Array(n).fill(7);
  await store.insertMessage(
    {
      id: 'm1',
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
    },
    ['b@x.test'],
  );
  expect(await store.expiredIds(10)).toEqual(['m1']);
  await store.shred('m1', 'expired');
  const message = await store.getMessage('m1');
  expect(message).toMatchObject({ state: 'expired', sealedServerSecret: null, wrappedKey: null });
  expect(message!.wrappedReplyKey).toHaveLength(0);
  expect(await store.expiredIds(10)).toEqual([]);
});
