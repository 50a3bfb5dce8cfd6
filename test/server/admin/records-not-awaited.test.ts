/**
 * The admin console's bookkeeping on the send path — a domain's verdict change, a changed key found — is started,
 * not waited for: a database that hangs on those writes does not hold the check (the real transport and key
 * services). Writes under one domain or address still land in the order they were started.
 */
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { pinKey } from '../../../src/server/keys/pins';
import { wkdHash } from '../../../src/server/keys/wkd';
import { openMemoryStore } from '../../../src/server/store/memory';
import { MemoryStsCache } from '../../../src/server/transport/mta-sts';
import { CachingTransportService } from '../../../src/server/transport/service';
import type { TransportVerdict } from '../../../src/core/vocabulary';
import { inClear } from '../../helpers/clear-key-verdicts';
import { ManualClock } from '../../helpers/clock';
import { fakeDns, type FakeZone } from '../../helpers/fake-dns';
import { fingerprintOf, fixture, NOW } from '../keys/fixtures';

const DAY = 86_400_000;

/** A write that waits until the test lets it finish, each one remembered in the order it began. */
function heldWrites<T>() {
  const begun: Array<{ args: unknown[]; finish: () => void }> = [];
  const write = (...args: unknown[]) =>
    new Promise<T>((resolve) => begun.push({ args, finish: () => resolve(undefined as T) }));
  return { begun, write };
}

describe('a verdict change being recorded', () => {
  const zone: FakeZone = { 'gone.example': { MX: [{ preference: 0, exchange: '' }] } };

  function transport(record: (domain: string, to: TransportVerdict, at: number) => Promise<boolean>) {
    const clock = new ManualClock(Date.parse('2027-01-04T08:00:00Z'));
    const service = new CachingTransportService({
      deps: {
        dns: fakeDns(zone).client,
        heloName: 'probe.sendguard.test',
        allowPrivateAddresses: false,
        stsCache: new MemoryStsCache(),
      },
      checkDeadlineMs: 5000,
      clock,
      verdictChanges: { record },
    });
    return { service, clock };
  }

  test('does not hold the check while the database hangs', async () => {
    const held = heldWrites<boolean>();
    const { service } = transport(held.write);
    // Answered while the record is still waiting (the old code waited here for good).
    expect((await service.report('gone.example')).verdict).toBe('no-mail');
    expect(held.begun.map((w) => w.args.slice(0, 2))).toEqual([['gone.example', 'no-mail']]);
    held.begun[0]!.finish();
  });

  test("lands in order: a domain's next record starts when the one before it is done", async () => {
    const held = heldWrites<boolean>();
    const { service, clock } = transport(held.write);
    await service.report('gone.example');
    clock.advance(DAY);
    await service.report('gone.example');
    expect(held.begun).toHaveLength(1);
    held.begun[0]!.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(held.begun).toHaveLength(2);
    expect(held.begun[1]!.args[2]).toBe((held.begun[0]!.args[2] as number) + DAY);
    held.begun[1]!.finish();
  });
});

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
