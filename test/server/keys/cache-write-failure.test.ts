/**
 * An answer the key lookup finished is given even when keeping it fails (the database is full or gone): the
 * failure goes to the service's hook, and every caller sharing the lookup still gets the answer.
 */
import type { KeyAssessment } from '../../../src/core/wire';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { MemoryPinStore, openMemoryStore } from '../../../src/server/store/memory';
import type { VerdictCache } from '../../../src/server/store/store';
import { fakeDns } from '../../helpers/fake-dns';

const full = new Error('SQLITE_FULL: database or disk is full');

/** The memory store's verdict cache, except that every write fails. */
function failingWrites(written: string[]): VerdictCache<KeyAssessment> {
  const kept = openMemoryStore().keyVerdicts;
  return {
    get: (key) => kept.get(key),
    put: async (key) => {
      written.push(key);
      throw full;
    },
    delete: (key) => kept.delete(key),
    deleteExpired: (now) => kept.deleteExpired(now),
  };
}

test('an answer whose cache write fails is given to every caller sharing its lookup; the failure is reported', async () => {
  // No WKD host and no OPENPGPKEY record, asked slowly enough that both callers share the one lookup.
  const dns = fakeDns({}, { delayMs: 20 });
  const written: string[] = [];
  const failures: Array<{ error: unknown; address: string }> = [];
  const service = new CachingKeyService(
    {
      network: { resolveAddresses: async () => [], allowPrivateAddresses: false },
      dns: dns.client,
      pins: new MemoryPinStore(),
    },
    {
      minRsaBits: 2048,
      allowLegacyAlgorithms: false,
      vksBaseUrl: null,
      cache: failingWrites(written),
      onCacheWriteError: (error, address) => failures.push({ error, address }),
    },
  );

  const signal = new AbortController().signal;
  const [first, second] = await Promise.all([
    service.lookup('Bob@example.org', { signal }),
    service.lookup('bob@EXAMPLE.org', { signal }),
  ]);
  expect(first).toMatchObject({ address: 'Bob@example.org' });
  expect(first.verdict).not.toBe('unknown');
  expect(second).toBe(first);
  expect(written).toEqual(['bob@example.org']);
  expect(failures).toEqual([{ error: full, address: 'bob@example.org' }]);
});
