/**
 * The admin console's bookkeeping on the send path — a changed key found here, a domain's verdict change in
 * domains.test.ts — is started, not waited for: a database that hangs on those writes does not hold the lookup
 * (the real key service). Writes under one address still land in the order they were started.
 */
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { pinKey } from '../../../src/server/keys/pins';
import { wkdHash } from '../../../src/server/keys/wkd';
import { openMemoryStore } from '../../../src/server/store/memory';
import { inClear } from '../../helpers/clear-key-verdicts';
import { ManualClock } from '../../helpers/clock';
import { fakeDns } from '../../helpers/fake-dns';
import { heldWrites } from '../../helpers/held-writes';
import { fingerprintOf, fixture, NOW } from '../keys/fixtures';

describe('a changed key being noted', () => {
  const BOB = fingerprintOf('gpg-ed25519.asc');
  const WKD_PATH = `https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/${wkdHash('bob')}?`;

  test('does not hold the lookup while the database hangs; the decision on it waits for the note', async () => {
    const store = openMemoryStore();
    const clock = new ManualClock(NOW.getTime());
    // Bob's pin is on another key than the one his WKD publishes: the lookup finds it changed.
    await pinKey(
      store.pins,
      { address: 'bob@example.org', fingerprint: 'A'.repeat(40), acceptedBy: 'first-use' },
      clock,
    );
    const notes = heldWrites<void>();
    const decisions = heldWrites<boolean>();
    const keys = new CachingKeyService(
      {
        network: { resolveAddresses: async () => ['192.0.2.1'], allowPrivateAddresses: false },
        dns: fakeDns({}).client,
        pins: store.pins,
        httpsGet: async (url) => {
          const found = url.startsWith(WKD_PATH);
          return {
            status: found ? 200 : 404,
            headers: {},
            body: found ? fixture('gpg-ed25519.asc') : Buffer.alloc(0),
            address: '192.0.2.1',
          };
        },
        clock,
      },
      {
        minRsaBits: 2048,
        allowLegacyAlgorithms: false,
        vksBaseUrl: null,
        cache: inClear(store.keyVerdicts),
        changedKeys: { note: notes.write, decide: decisions.write },
      },
    );
    const found = await keys.lookup('bob@example.org', { signal: AbortSignal.timeout(5000) });
    expect(found).toMatchObject({ verdict: 'changed', fingerprint: BOB });
    expect(notes.begun).toHaveLength(1);

    // An admin's pin decides it: that write waits for the note, so the note cannot land after it.
    const pinned = keys.pin('bob@example.org', BOB, 'ops@clinic.test');
    await new Promise((resolve) => setImmediate(resolve));
    expect(decisions.begun).toHaveLength(0);
    notes.begun[0]!.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(decisions.begun).toHaveLength(1);
    decisions.begun[0]!.finish();
    expect((await pinned).fingerprint).toBe(BOB);
    await store.close();
  });
});
