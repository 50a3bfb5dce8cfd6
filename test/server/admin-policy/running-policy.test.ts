/**
 * The policy in force follows the saved versions: the newest wins at start, another node's save is put in force
 * when it is heard of (or after a reset, when it may have been missed), and a save heard late never replaces a
 * newer one already in force.
 */
import { stringify } from 'yaml';
import { newestSaved, policyFromSaved, policyInForce } from '../../../src/server/admin-policy/running';
import { ServedPolicy } from '../../../src/server/api/served-policy';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { SavedPolicy } from '../../../src/server/store/store';
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

async function served() {
  const store = openMemoryStore();
  const file = { policy: defaultPolicy(), text: 'schema: 1 # the file\n' };
  const running = await ServedPolicy.load(
    await policyInForce(store.policyVersions, file),
    store.keyring,
    1_000_000,
    () => newestSaved(store.policyVersions),
  );
  const feed = manualFeed();
  running.follow(feed.changes, (error) => {
    throw error;
  });
  return { store, file, running, ...feed };
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
