/**
 * `POST /api/v1/keys/:address/accept` as deployed (API tokens on): the sender confirms a changed key, and the real
 * key service pins it only if a fresh lookup still finds exactly that key. The key directory is a WKD host behind
 * the service's own HTTPS seam, serving GnuPG-made certificates.
 */
import type { FastifyInstance } from 'fastify';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { wkdHash } from '../../../src/server/keys/wkd';
import type { HttpsGet } from '../../../src/server/net/https-get';
import { openMemoryStore, type MemoryStore } from '../../../src/server/store/memory';
import { ManualClock } from '../../helpers/clock';
import { fakeDns } from '../../helpers/fake-dns';
import { fingerprintOf, fixture, NOW } from '../keys/fixtures';
import { deployedTestApp } from './fakes';

const BOB = fingerprintOf('gpg-ed25519.asc');
const BOB_NEW = fingerprintOf('gpg-ed25519-new.asc');
/** The advanced method's URL, before `?l=`: the hash is of the lower-cased local part, `l` keeps its case. */
const WKD_PATH = `https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/${wkdHash('bob')}?`;

let app: FastifyInstance;
let store: MemoryStore;
let authorization: string;
/** What bob's WKD publishes now. */
let published: Buffer;
/** How many more answers bob's WKD gives before it stops answering (until the request's deadline); unlimited when undefined. */
let answersLeft: number | undefined;

beforeEach(async () => {
  published = fixture('gpg-ed25519.asc');
  answersLeft = undefined;
  const httpsGet: HttpsGet = async (url, { signal }) => {
    if (answersLeft !== undefined && answersLeft-- <= 0) await stalled(signal);
    const found = url.startsWith(WKD_PATH);
    return {
      status: found ? 200 : 404,
      headers: {},
      body: found ? published : Buffer.alloc(0),
      address: '192.0.2.1',
    };
  };
  store = openMemoryStore();
  const clock = new ManualClock(NOW.getTime());
  const keys = new CachingKeyService(
    {
      network: { resolveAddresses: async () => ['192.0.2.1'], allowPrivateAddresses: false },
      dns: fakeDns({}).client,
      pins: store.pins,
      httpsGet,
      clock,
    },
    { minRsaBits: 2048, allowLegacyAlgorithms: false, vksBaseUrl: null, cache: store.keyVerdicts },
  );
  ({ app, authorization } = await deployedTestApp({
    config: { limits: { lookupDeadlineMs: ACCEPT_DEADLINE_MS } },
    deps: { store, keys, clock },
  }));
});

/** Short, so that a lookup left stalled by the test runs into it soon. */
const ACCEPT_DEADLINE_MS = 500;

/** Never settles on its own: rejects when the lookup's deadline aborts it. */
function stalled(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
}

afterEach(() => app.close());

const lookup = async () =>
  (await app.inject({ url: '/api/v1/keys/bob@example.org', headers: { authorization } })).json();
const accept = (fingerprint: string, headers: Record<string, string> = { authorization }) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/keys/Bob@Example.org/accept',
    headers,
    payload: { fingerprint },
  });

/** Bob's first key is pinned on first use; then his directory publishes another one, shown as `changed`. */
async function keyChanged(): Promise<void> {
  expect(await lookup()).toMatchObject({ verdict: 'valid', fingerprint: BOB });
  published = fixture('gpg-ed25519-new.asc');
  await store.keyVerdicts.delete('bob@example.org');
  expect(await lookup()).toMatchObject({ verdict: 'changed', fingerprint: BOB_NEW, pinnedFingerprint: BOB });
}

test('a sender accepts the key found: it is pinned by them and used from then on', async () => {
  await keyChanged();
  const res = await accept(BOB_NEW);
  expect(res.statusCode).toBe(200);
  expect(res.json().key).toMatchObject({
    address: 'Bob@example.org',
    verdict: 'valid',
    source: 'pinned',
    fingerprint: BOB_NEW,
    armoredKey: expect.stringContaining('BEGIN PGP PUBLIC KEY BLOCK'),
  });
  expect(await store.pins.get('bob@example.org')).toMatchObject({
    fingerprint: BOB_NEW,
    acceptedBy: expect.stringMatching(/^token:/),
  });
  await store.keyVerdicts.delete('bob@example.org');
  expect(await lookup()).toMatchObject({ verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW });
});

test('the accepted key is answered from the lookup that confirmed it: a directory that stops answering afterwards does not turn it into a refusal', async () => {
  await keyChanged();
  answersLeft = 1;
  const res = await accept(BOB_NEW);
  expect(res.statusCode).toBe(200);
  expect(res.json().key).toMatchObject({ verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW });
  expect(res.json().key.pinnedFingerprint).toBeUndefined();
  expect(res.json().key.reasons[0]).toMatch(/^the key is the one pinned \(by token:/);
  expect(res.json().key.reasons.join('\n')).not.toContain('differs from the pinned key');
  expect(await store.pins.get('bob@example.org')).toMatchObject({ fingerprint: BOB_NEW });
  // The cache holds the accepted answer: a lookup now gets it without asking the stalled directory.
  expect(await lookup()).toMatchObject({ verdict: 'valid', source: 'pinned', fingerprint: BOB_NEW });
});

test('a stale fingerprint is refused with 409 KEY_CHANGED_AGAIN, naming the key found now; nothing is pinned', async () => {
  await keyChanged();
  const res = await accept(BOB);
  expect(res.statusCode).toBe(409);
  expect(res.json().error).toEqual({
    code: 'KEY_CHANGED_AGAIN',
    message: expect.stringContaining(`finds key ${BOB_NEW} (changed), not ${BOB}`),
  });
  expect(await store.pins.get('bob@example.org')).toMatchObject({
    fingerprint: BOB,
    acceptedBy: 'first-use',
  });
});

test('a key that changed again after the sender saw it is refused', async () => {
  await keyChanged();
  published = fixture('gpg-rsa3072.asc'); // alice's certificate: no user ID for bob
  const res = await accept(BOB_NEW);
  expect(res.statusCode).toBe(409);
  expect(res.json().error.message).toContain('(invalid)');
  expect((await store.pins.get('bob@example.org'))?.fingerprint).toBe(BOB);
});

test('accepting needs a signed-in caller and an upper-case v4 or v6 fingerprint', async () => {
  expect((await accept(BOB_NEW, {})).statusCode).toBe(401);
  expect((await accept(BOB_NEW.toLowerCase())).statusCode).toBe(400);
});
