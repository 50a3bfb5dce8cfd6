/**
 * The policy's compliance key given by fingerprint only is served with the key itself, taken from the
 * organisation keyring, so that the add-in can encrypt every OpenPGP message to it as policy requires.
 */
import { openMemoryStore } from '../../../src/server/store/memory';
import { defaultPolicy } from '../../helpers/policy';
import { ARMORED, FINGERPRINT, logCollector, testApp } from './fakes';

const policy = defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT } });
const entry = {
  fingerprint: FINGERPRINT,
  armoredKey: ARMORED,
  addresses: ['archive@org.example'],
  addedAt: '2026-01-01T00:00:00.000Z',
  addedBy: 'admin',
};

test('the keyring fills in complianceKey.armoredKey; the version stays the one /assess reports', async () => {
  const store = openMemoryStore();
  await store.keyring.put(entry);
  const logs = logCollector();
  const { app } = await testApp({ deps: { store, policy, logStream: logs } });
  const served = (await app.inject({ url: '/api/v1/policy' })).json();
  expect(served.policy.complianceKey).toEqual({ fingerprint: FINGERPRINT, armoredKey: ARMORED });
  const assessed = (
    await app.inject({ method: 'POST', url: '/api/v1/assess', payload: { recipients: [] } })
  ).json();
  expect(served.version).toBe(assessed.policyVersion);
  expect(logs.text()).not.toContain('compliance key');
});

test('a compliance key the keyring lacks: a warning at start, and the policy served as it is', async () => {
  const logs = logCollector();
  const { app, store } = await testApp({ deps: { policy, logStream: logs } });
  await app.ready();
  expect(logs.text()).toContain(
    'the compliance key is neither in the policy nor in the organisation keyring',
  );
  expect(logs.text()).toContain(FINGERPRINT);
  expect((await app.inject({ url: '/api/v1/policy' })).json().policy.complianceKey).toEqual({
    fingerprint: FINGERPRINT,
  });
  // Uploaded later, it is served at once.
  await store.keyring.put(entry);
  expect((await app.inject({ url: '/api/v1/policy' })).json().policy.complianceKey.armoredKey).toBe(ARMORED);
});

test('an armored compliance key in the policy is served as the admin wrote it', async () => {
  const store = openMemoryStore();
  await store.keyring.put({ ...entry, armoredKey: 'another key' });
  const own = defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT, armoredKey: ARMORED } });
  const { app } = await testApp({ deps: { store, policy: own } });
  expect((await app.inject({ url: '/api/v1/policy' })).json().policy.complianceKey.armoredKey).toBe(ARMORED);
});
