/**
 * Changed keys as the admin sees and decides them, with the real key service on the service's SQLite store: Bob's
 * first key (GnuPG-made) is pinned on first use, then his WKD publishes another one, which a sender's lookup finds
 * `changed`. It waits in the admin's list until someone decides: the admin accepting (pinned for everyone) or
 * refusing (the old pin stays), or a sender accepting it themselves.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { wkdHash } from '../../../src/server/keys/wkd';
import type { HttpsGet } from '../../../src/server/net/https-get';
import { DATABASE_FILE } from '../../../src/server/store/sqlite';
import { inClear } from '../../helpers/clear-key-verdicts';
import { fakeDns } from '../../helpers/fake-dns';
import { fingerprintOf, fixture, NOW } from '../keys/fixtures';
import { as, startAdminApp, type AdminApp } from './admin-app';

const BOB = fingerprintOf('gpg-ed25519.asc');
const BOB_NEW = fingerprintOf('gpg-ed25519-new.asc');
const WKD_PATH = `https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/${wkdHash('bob')}?`;

let admin: AdminApp;
/** What Bob's WKD publishes now. */
let published: Buffer;

beforeEach(async () => {
  published = fixture('gpg-ed25519.asc');
  const httpsGet: HttpsGet = async (url) => {
    const found = url.startsWith(WKD_PATH);
    return {
      status: found ? 200 : 404,
      headers: {},
      body: found ? published : Buffer.alloc(0),
      address: '192.0.2.1',
    };
  };
  admin = await startAdminApp({
    now: NOW.getTime(),
    deps: ({ store, clock }) => ({
      keys: new CachingKeyService(
        {
          network: { resolveAddresses: async () => ['192.0.2.1'], allowPrivateAddresses: false },
          dns: fakeDns({}).client,
          pins: store.pins,
          httpsGet,
          clock,
        },
        {
          minRsaBits: 2048,
          allowLegacyAlgorithms: false,
          vksBaseUrl: null,
          cache: inClear(store.keyVerdicts),
          changedKeys: store.changedKeys,
        },
      ),
    }),
  });
});

async function request(method: 'GET' | 'POST', path: string, token: string, payload?: object) {
  const response = await admin.app.inject({
    method,
    url: `/api/v1${path}`,
    headers: as(token),
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.body ? response.json() : undefined };
}

/** A sender's lookup of Bob's key, asked afresh (the cached answer dropped). */
async function lookUpBob() {
  await admin.store.keyVerdicts.delete('bob@example.org');
  return (await request('GET', '/keys/bob@example.org', admin.tokens.ann)).body;
}

/** Bob's first key pinned on first use, then another published and found `changed` by a sender. */
async function keyChanged(): Promise<string> {
  expect(await lookUpBob()).toMatchObject({ verdict: 'valid', fingerprint: BOB });
  published = fixture('gpg-ed25519-new.asc');
  admin.clock.advance(60_000);
  const seenAt = new Date(admin.clock.now()).toISOString();
  expect(await lookUpBob()).toMatchObject({
    verdict: 'changed',
    fingerprint: BOB_NEW,
    pinnedFingerprint: BOB,
  });
  return seenAt;
}

const changedList = async () => (await request('GET', '/admin/keys/changed', admin.tokens.admin)).body.keys;
const pinOfBob = async () => (await admin.store.pins.get('bob@example.org'))?.fingerprint;

/** The decision kept on Bob's new key, read from the database file itself. */
function decisionOnBobsNewKey() {
  const db = new Database(join(admin.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare('SELECT decision, decided_by FROM changed_keys WHERE address = ? AND fingerprint = ?')
      .get('bob@example.org', BOB_NEW);
  } finally {
    db.close();
  }
}

test('a changed key a lookup found waits for a decision, listed once with its evidence; pins are listed', async () => {
  const seenAt = await keyChanged();
  admin.clock.advance(60_000);
  await lookUpBob();
  expect(await changedList()).toEqual([
    {
      address: 'bob@example.org',
      pinnedFingerprint: BOB,
      fingerprint: BOB_NEW,
      source: 'wkd',
      seenAt,
      reasons: expect.arrayContaining([expect.stringContaining(`differs from the pinned key ${BOB}`)]),
    },
  ]);
  const pins = await request('GET', '/admin/pins', admin.tokens.admin);
  expect(pins.body).toEqual({
    pins: [
      {
        address: 'bob@example.org',
        fingerprint: BOB,
        firstSeen: expect.any(String),
        acceptedBy: 'first-use',
      },
    ],
  });
});

test('the admin accepts it for everyone: pinned as accepted by the admin, gone from the list', async () => {
  await keyChanged();
  const stale = await request('POST', '/admin/keys/bob@example.org/accept', admin.tokens.admin, {
    fingerprint: BOB,
  });
  expect(stale.status).toBe(409);
  expect(stale.body.error.code).toBe('KEY_CHANGED_AGAIN');
  expect(await pinOfBob()).toBe(BOB);

  const accepted = await request('POST', '/admin/keys/Bob@Example.org/accept', admin.tokens.admin, {
    fingerprint: BOB_NEW,
  });
  expect(accepted.status).toBe(200);
  expect(accepted.body.pin).toMatchObject({
    address: 'bob@example.org',
    fingerprint: BOB_NEW,
    acceptedBy: 'ops@clinic.test',
  });
  expect(await changedList()).toEqual([]);
  expect(decisionOnBobsNewKey()).toEqual({ decision: 'accepted', decided_by: 'ops@clinic.test' });
  expect(await lookUpBob()).toMatchObject({ verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW });
});

test('the admin refuses it: the old pin stays and senders still see the key changed; the refusal keeps who', async () => {
  await keyChanged();
  const refuse = () =>
    request('POST', '/admin/keys/bob@example.org/refuse', admin.tokens.admin, { fingerprint: BOB_NEW });
  expect((await refuse()).status).toBe(204);
  expect(await changedList()).toEqual([]);
  expect(decisionOnBobsNewKey()).toEqual({ decision: 'refused', decided_by: 'ops@clinic.test' });
  expect(await pinOfBob()).toBe(BOB);
  // Found again, it stays changed for senders and is not listed again: it was decided.
  expect(await lookUpBob()).toMatchObject({ verdict: 'changed', fingerprint: BOB_NEW });
  expect(await changedList()).toEqual([]);
  expect((await refuse()).status).toBe(404);
});

test("a sender's own accept settles it too", async () => {
  await keyChanged();
  const accepted = await request('POST', '/keys/bob@example.org/accept', admin.tokens.ann, {
    fingerprint: BOB_NEW,
  });
  expect(accepted.status).toBe(200);
  expect(await changedList()).toEqual([]);
  expect(decisionOnBobsNewKey()).toEqual({
    decision: 'accepted',
    decided_by: expect.stringMatching(/^token:/),
  });
});

test('an admin pinning the key found outright settles it as accepted', async () => {
  await keyChanged();
  const pinned = await admin.app.inject({
    method: 'PUT',
    url: '/api/v1/admin/pins/bob@example.org',
    headers: as(admin.tokens.admin),
    payload: { fingerprint: BOB_NEW },
  });
  expect(pinned.statusCode).toBe(200);
  expect(await changedList()).toEqual([]);
  expect(decisionOnBobsNewKey()).toEqual({
    decision: 'accepted',
    decided_by: expect.stringMatching(/^token:/),
  });
});
