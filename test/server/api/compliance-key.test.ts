/**
 * The policy's compliance key given by fingerprint only is served with the key itself, taken from the
 * organisation keyring, so that the add-in can encrypt every OpenPGP message to it as policy requires. As
 * deployed: the admin uploads the key with an admin token, the sender's add-in reads the policy with its own.
 */
import { defaultPolicy } from '../../helpers/policy';
import { ARMORED, FINGERPRINT, deployedTestApp, logCollector } from './fakes';

const policy = defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT } });

async function deployed(deps: Parameters<typeof deployedTestApp>[0] = {}) {
  const built = await deployedTestApp(deps);
  const as = (authorization: string) => ({ authorization });
  const upload = (authorization: string) =>
    built.app.inject({
      method: 'POST',
      url: '/api/v1/admin/keyring',
      headers: as(authorization),
      payload: { armoredKey: ARMORED },
    });
  const servedPolicy = async () =>
    (await built.app.inject({ url: '/api/v1/policy', headers: as(built.authorization) })).json();
  return { ...built, upload, servedPolicy, as };
}

test('the keyring fills in complianceKey.armoredKey; the version stays the one /assess reports', async () => {
  const logs = logCollector();
  const { app, upload, servedPolicy, as, authorization, adminAuthorization } = await deployed({
    deps: { policy, logStream: logs },
  });
  expect((await upload(authorization)).statusCode).toBe(403);
  expect((await upload(adminAuthorization)).statusCode).toBe(201);
  const served = await servedPolicy();
  expect(served.policy.complianceKey).toEqual({ fingerprint: FINGERPRINT, armoredKey: ARMORED });
  const assessed = (
    await app.inject({
      method: 'POST',
      url: '/api/v1/assess',
      headers: as(authorization),
      payload: { recipients: [] },
    })
  ).json();
  expect(served.version).toBe(assessed.policyVersion);
  expect((await app.inject({ url: '/api/v1/policy' })).statusCode).toBe(401);
});

test('a compliance key the keyring lacks: a warning at start, and the policy served as it is', async () => {
  const logs = logCollector();
  const { app, upload, servedPolicy, adminAuthorization } = await deployed({
    deps: { policy, logStream: logs },
  });
  await app.ready();
  expect(logs.text()).toContain(
    'the compliance key is neither in the policy nor in the organisation keyring',
  );
  expect(logs.text()).toContain(FINGERPRINT);
  expect((await servedPolicy()).policy.complianceKey).toEqual({ fingerprint: FINGERPRINT });
  // Uploaded later, it is served at once.
  await upload(adminAuthorization);
  expect((await servedPolicy()).policy.complianceKey.armoredKey).toBe(ARMORED);
});

test('an armored compliance key in the policy is served as the admin wrote it', async () => {
  const own = defaultPolicy({
    complianceKey: { fingerprint: FINGERPRINT, armoredKey: "the policy's own key" },
  });
  const { upload, servedPolicy, adminAuthorization } = await deployed({ deps: { policy: own } });
  await upload(adminAuthorization);
  expect((await servedPolicy()).policy.complianceKey.armoredKey).toBe("the policy's own key");
});

test('the served policy is worked out when the keyring changes the compliance key, not on every request', async () => {
  const { app, store, upload, servedPolicy, as, adminAuthorization } = await deployed({ deps: { policy } });
  await upload(adminAuthorization);
  const keyringGet = jest.spyOn(store.keyring, 'get');
  for (let send = 0; send < 3; send++)
    expect((await servedPolicy()).policy.complianceKey.armoredKey).toBe(ARMORED);
  expect(keyringGet).not.toHaveBeenCalled();
  // Removed, it is no longer served.
  const removed = await app.inject({
    method: 'DELETE',
    url: `/api/v1/admin/keyring/${FINGERPRINT}`,
    headers: as(adminAuthorization),
  });
  expect(removed.statusCode).toBe(204);
  expect((await servedPolicy()).policy.complianceKey).toEqual({ fingerprint: FINGERPRINT });
});
