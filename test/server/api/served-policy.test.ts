/**
 * The served policy follows the keyring: the compliance key another node uploads is filled in when that node's
 * change is heard, and when the change feed may have missed changes (a reset) the keyring is read again.
 */
import { policyFromFile, ServedPolicy } from '../../../src/server/api/served-policy';
import { openMemoryStore } from '../../../src/server/store/memory';
import type { KeyringEntry } from '../../../src/server/store/store';
import { defaultPolicy } from '../../helpers/policy';
import { manualFeed } from '../../helpers/change-feed';

const FINGERPRINT = 'A'.repeat(40);
const ENTRY: KeyringEntry = {
  fingerprint: FINGERPRINT,
  armoredKey: 'the armored key',
  addresses: ['compliance@example.org'],
  addedAt: '2026-01-01T00:00:00.000Z',
  addedBy: 'another node',
};

/** Lets a recomputation the feed started finish: a keyring read in memory takes a few turns. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

async function served() {
  const { keyring } = openMemoryStore();
  const policy = await ServedPolicy.load(
    policyFromFile(defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT } }), ''),
    keyring,
    1_000_000,
  );
  const { changes, tell, reset } = manualFeed();
  policy.follow(changes, (error) => {
    throw error;
  });
  return { policy, keyring, tell, reset };
}

test("another node's upload of the compliance key is filled in when its change is heard", async () => {
  const { policy, keyring, tell } = await served();
  expect(policy.missingComplianceKey).toBe(FINGERPRINT);
  await keyring.put(ENTRY);
  tell({ cache: 'keyring', key: FINGERPRINT });
  await settle();
  expect(policy.current.complianceKey).toEqual({ fingerprint: FINGERPRINT, armoredKey: 'the armored key' });
});

test('after a reset the keyring is read again, though no change was heard', async () => {
  const { policy, keyring, reset } = await served();
  await keyring.put(ENTRY);
  await settle();
  expect(policy.missingComplianceKey).toBe(FINGERPRINT);
  reset();
  await settle();
  expect(policy.missingComplianceKey).toBeUndefined();
  await keyring.delete(FINGERPRINT);
  reset();
  await settle();
  expect(policy.missingComplianceKey).toBe(FINGERPRINT);
});
