/**
 * What the key service holds in memory is answered without waiting (`kept`), by the address's comparison form,
 * until it expires; a cache with no memory of its own (no `peek`) holds nothing that could be answered so.
 */
import type { KeyAssessment } from '../../../src/core/wire';
import { CachingKeyService } from '../../../src/server/keys/key-service';
import { withMemoryFront } from '../../../src/server/store/memory-front';
import { MemoryPinStore, openMemoryStore } from '../../../src/server/store/memory';
import type { VerdictCache } from '../../../src/server/store/store';
import { ManualClock } from '../../helpers/clock';
import { manualFeed } from '../../helpers/change-feed';
import { fakeDns } from '../../helpers/fake-dns';

function serviceOver(cache: VerdictCache<KeyAssessment>, clock: ManualClock) {
  return new CachingKeyService(
    {
      network: { resolveAddresses: async () => [], allowPrivateAddresses: false },
      dns: fakeDns({}).client,
      pins: new MemoryPinStore(),
      clock,
    },
    { minRsaBits: 2048, allowLegacyAlgorithms: false, vksBaseUrl: null, cache, negativeTtlMs: 60_000 },
  );
}

test('an answer looked up is kept by its comparison form until it expires, the same object lookup gives', async () => {
  const clock = new ManualClock();
  const { changes } = manualFeed();
  const service = serviceOver(
    withMemoryFront(openMemoryStore().keyVerdicts, { changes, cache: 'keyVerdicts' }),
    clock,
  );
  expect(service.kept('bob@example.org')).toBeUndefined();
  const found = await service.lookup('Bob@example.org', { signal: new AbortController().signal });
  expect(found.verdict).not.toBe('unknown');
  expect(service.kept('bob@example.org')).toBe(found);
  expect(await service.lookup('Bob@example.org', { signal: AbortSignal.abort() })).toBe(found);
  clock.advance(60_001);
  expect(service.kept('bob@example.org')).toBeUndefined();
});

test('a cache without memory of its own answers only through lookup', async () => {
  const clock = new ManualClock();
  const service = serviceOver(openMemoryStore().keyVerdicts, clock);
  const found = await service.lookup('bob@example.org', { signal: new AbortController().signal });
  expect(service.kept('bob@example.org')).toBeUndefined();
  expect(await service.lookup('bob@example.org', { signal: new AbortController().signal })).toEqual(found);
});
