/**
 * The policy kept between openings of the pane: the client sends the ETag of the copy it keeps, the service
 * answers 304 while it serves that copy, and the policy is downloaded again only once it changed (here: the admin
 * uploads the compliance key the policy names, which the service then fills in). Against the real service over
 * HTTP, with API tokens, the client's requests counted at its fetch.
 */
import type { AddressInfo } from 'node:net';
import { createBackend } from '../../src/addin/backend';
import { pageAnswerStore } from '../../src/addin/answer-store';
import { defaultPolicy } from '../helpers/policy';
import { ARMORED, FINGERPRINT, deployedTestApp } from '../server/api/fakes';
import { memoryStore } from './memory-answer-store';

/** A fetch that records each status the service answered GET /api/v1/policy with, and the ETag it was asked with. */
function countingFetch() {
  const seen: Array<{ status: number; ifNoneMatch: string | null }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    seen.push({ status: response.status, ifNoneMatch: new Headers(init?.headers).get('if-none-match') });
    return response;
  };
  return { fetch, seen };
}

test('an unchanged policy is confirmed (304), not downloaded again; a changed one is downloaded and kept', async () => {
  const policy = defaultPolicy({ complianceKey: { fingerprint: FINGERPRINT } });
  const { app, token, adminAuthorization } = await deployedTestApp({ deps: { policy } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    const store = memoryStore();
    const { fetch, seen } = countingFetch();
    const backend = createBackend({ baseUrl, token, fetch, policyStore: store });

    const first = await backend.policy();
    expect(seen).toEqual([{ status: 200, ifNoneMatch: null }]);
    const etag = store.kept?.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);

    // Opened again (a new client over the same storage): asked with the kept copy's tag, confirmed.
    const again = await createBackend({ baseUrl, token, fetch, policyStore: store }).policy();
    expect(seen[1]).toEqual({ status: 304, ifNoneMatch: etag });
    expect(again).toEqual(first);

    const upload = await app.inject({
      method: 'POST',
      url: '/api/v1/admin/keyring',
      headers: { authorization: adminAuthorization },
      payload: { armoredKey: ARMORED },
    });
    expect(upload.statusCode).toBe(201);
    const changed = await backend.policy();
    expect(seen[2]).toEqual({ status: 200, ifNoneMatch: etag });
    expect(changed.policy.complianceKey).toEqual({ fingerprint: FINGERPRINT, armoredKey: ARMORED });
    expect(changed.version).toBe(first.version);
    expect(store.kept?.etag).not.toBe(etag);
    expect(await backend.policy()).toEqual(changed);
    expect(seen[3]?.status).toBe(304);
  } finally {
    await app.close();
  }
});

test('a kept copy that no longer reads as a policy is not offered: the policy is downloaded', async () => {
  const { app, token } = await deployedTestApp();
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const { port } = app.server.address() as AddressInfo;
    const { fetch, seen } = countingFetch();
    const store = memoryStore();
    const backend = createBackend({ baseUrl: `http://127.0.0.1:${port}`, token, fetch, policyStore: store });
    await backend.policy();
    store.kept = { etag: store.kept!.etag, body: { version: 'v', policy: { classifications: 'none' } } };
    expect((await backend.policy()).policy.classifications.length).toBeGreaterThan(0);
    expect(seen.map((s) => [s.status, s.ifNoneMatch])).toEqual([
      [200, null],
      [200, null],
    ]);
  } finally {
    await app.close();
  }
});

describe('the page’s storage', () => {
  const storage = () => {
    const items = new Map<string, string>();
    return {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      items,
    };
  };

  test('keeps one copy per service and per kind of answer', () => {
    const page = storage();
    const one = pageAnswerStore(page, 'policy', 'https://one.example');
    const two = pageAnswerStore(page, 'policy', 'https://two.example');
    const signIn = pageAnswerStore(page, 'sign-in', 'https://one.example');
    one.write({ etag: '"a"', body: { version: '1' } });
    expect(one.read()).toEqual({ etag: '"a"', body: { version: '1' } });
    expect(two.read()).toBeUndefined();
    expect(signIn.read()).toBeUndefined();
  });

  test('damaged, full or missing storage means no copy, never a failure', () => {
    const page = storage();
    const store = pageAnswerStore(page, 'policy', 'https://one.example');
    page.items.set('sendguard-policy https://one.example', '{not json');
    expect(store.read()).toBeUndefined();
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => pageAnswerStore(full, 'sign-in', 'x').write({ etag: '"a"', body: {} })).not.toThrow();
    expect(pageAnswerStore(undefined, 'sign-in', 'x').read()).toBeUndefined();
  });
});
