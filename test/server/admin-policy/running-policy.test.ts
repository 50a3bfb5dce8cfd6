/**
 * The policy in force follows the saved versions: the newest wins at start, another node's save is put in force
 * when it is heard of (or after a reset, when it may have been missed), and a save heard late never replaces a
 * newer one already in force. A read that fails (the newest version, the keyring's compliance key) does not leave
 * the node on an older policy: a saved version is in force without the key until the keyring answers, and a failed
 * read is tried again after a growing delay until it succeeds, no more once the following stops.
 */
import { stringify } from 'yaml';
import { newestSaved, policyFromSaved, policyInForce } from '../../../src/server/admin-policy/running';
import { saveVersion } from '../../../src/server/admin-policy/save';
import { ServedPolicy } from '../../../src/server/api/served-policy';
import { parsePolicy } from '../../../src/core/policy/parse';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { KeyringStore, SavedPolicy } from '../../../src/server/store/store';
import { ManualClock } from '../../helpers/clock';
import { manualFeed } from '../../helpers/change-feed';
import { defaultPolicy } from '../../helpers/policy';

/** Version `seq`, whose organisation is named after it. */
function version(seq: number): SavedPolicy {
  return {
    seq,
    version: '',
    text: stringify({ ...defaultPolicy(), organisation: `Agency ${seq}` }),
    savedBy: 'ops@example.gov',
    savedAt: '2026-12-07T10:00:00.000Z',
  };
}

const FINGERPRINT = 'A'.repeat(40);

/**
 * A store whose keyring and saved versions fail while `down` says so, and a policy in force following a feed;
 * failed reads are collected and tried again after 5 ms, doubling to 20 ms.
 */
async function served() {
  const store = openMemoryStore();
  const down = { keyring: false, versions: 0 };
  const keyring: KeyringStore = Object.create(store.keyring);
  keyring.get = async (fingerprint) => {
    if (down.keyring) throw new Error('the keyring did not answer');
    return store.keyring.get(fingerprint);
  };
  let reads = 0;
  const file = { policy: defaultPolicy(), text: 'schema: 1 # the file\n' };
  const running = await ServedPolicy.load(
    await policyInForce(store.policyVersions, file),
    keyring,
    1_000_000,
    async () => {
      reads++;
      if (down.versions > 0 && down.versions--) throw new Error('the database did not answer');
      return newestSaved(store.policyVersions);
    },
    { firstMs: 5, maxMs: 20 },
  );
  const feed = manualFeed();
  const failures: unknown[] = [];
  const stop = running.follow(feed.changes, (error) => failures.push(error));
  return { store, file, running, down, failures, stop, reads: () => reads, ...feed };
}

/** Waits until `done` holds, a few seconds at most. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(done()).toBe(true);
}

test('with nothing saved the file is in force, as written; with versions saved, the newest', async () => {
  const { store, file, running } = await served();
  expect(running.running).toMatchObject({ source: 'file', seq: 0, text: file.text });
  expect(running.current.escrow.maxMessageBytes).toBe(1_000_000);
  await store.policyVersions.save(version(1));
  await store.policyVersions.save(version(2));
  const restarted = await policyInForce(store.policyVersions, file);
  expect(restarted).toMatchObject({ source: 'console', seq: 2, policy: { organisation: 'Agency 2' } });
});

test("another node's save is in force once heard of, or once a reset has the newest read again", async () => {
  const { store, running, tell, reset } = await served();
  await store.policyVersions.save(version(1));
  tell({ cache: 'policy', key: '1' });
  await running.settled();
  expect(running.current.organisation).toBe('Agency 1');
  expect(running.version).toBe(running.running.version);
  await store.policyVersions.save(version(2));
  reset();
  await running.settled();
  expect(running.running).toMatchObject({ seq: 2, savedBy: 'ops@example.gov' });
  expect(running.current).toMatchObject({ organisation: 'Agency 2', escrow: { maxMessageBytes: 1_000_000 } });
});

test('a replacement older than the version in force is ignored', async () => {
  const { running } = await served();
  await running.replace(policyFromSaved(version(3)));
  await running.replace(policyFromSaved(version(2)));
  expect(running.current.organisation).toBe('Agency 3');
});

test('a saved version this release cannot read is refused by name, not passed over for the file', async () => {
  const { store, file } = await served();
  await store.policyVersions.save({ ...version(1), text: 'schema: 2\n' });
  await expect(policyInForce(store.policyVersions, file)).rejects.toMatchObject({
    code: 'POLICY_SAVED_INVALID',
    message: expect.stringContaining('policy version 1, saved through the API by ops@example.gov'),
  });
});

test("a failed read of the newest version after another node's save is tried again until it succeeds", async () => {
  const { store, running, down, failures, tell } = await served();
  await store.policyVersions.save(version(1));
  down.versions = 3;
  tell({ cache: 'policy', key: '1' });
  await until(() => running.running.seq === 1);
  expect(running.current.organisation).toBe('Agency 1');
  expect(failures.map((f) => (f as Error).message)).toEqual(Array(3).fill('the database did not answer'));
});

test('once the following stops, a failed read is no longer tried again', async () => {
  const { store, running, down, failures, stop, tell, reads } = await served();
  await store.policyVersions.save(version(1));
  down.versions = 1;
  tell({ cache: 'policy', key: '1' });
  await until(() => failures.length === 1);
  stop();
  const readsAtStop = reads();
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(reads()).toBe(readsAtStop);
  expect(running.running.seq).toBe(0);
});

test('a version saved while the keyring does not answer is in force at once, without the compliance key until the keyring answers', async () => {
  const { store, running, down, failures } = await served();
  await store.keyring.put({
    fingerprint: FINGERPRINT,
    armoredKey: 'the armored key',
    addresses: ['compliance@example.gov'],
    addedAt: '2026-12-01T00:00:00.000Z',
    addedBy: 'ops@example.gov',
  });
  down.keyring = true;
  const text = stringify({ ...defaultPolicy(), complianceKey: { fingerprint: FINGERPRINT } });
  const deps = { versions: store.policyVersions, servedPolicy: running, clock: new ManualClock(0) };
  const saved = await saveVersion(deps, { text, policy: parsePolicy(text), savedBy: 'ops@example.gov' }, 0);
  expect(running.running).toMatchObject({ seq: 1, version: saved.version });
  expect(running.missingComplianceKey).toBe(FINGERPRINT);
  expect(failures).toHaveLength(1);
  // This node's next save starts from the version it saved, which it has in force.
  const next = { text: `${text}# reviewed\n`, policy: parsePolicy(text), savedBy: 'ops@example.gov' };
  await expect(saveVersion(deps, next, 1)).resolves.toMatchObject({ seq: 2 });
  down.keyring = false;
  await until(() => running.missingComplianceKey === undefined);
  expect(running.current.complianceKey).toEqual({ fingerprint: FINGERPRINT, armoredKey: 'the armored key' });
});
