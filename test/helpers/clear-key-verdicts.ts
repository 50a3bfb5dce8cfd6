/**
 * Key verdicts in clear, from a store's key-verdict cache, which may hold sealed ones too (the service seals them:
 * src/server/store/sealed-cache.ts). For tests that give a SQL store's cache to a key service without the
 * deployment's key, or read back what they put there themselves.
 */
import type { KeyAssessment } from '../../src/core/wire';
import type { CacheEntry, StoredKeyVerdict, VerdictCache } from '../../src/server/store/store';

/** The verdict, or undefined when there is none or it is sealed. */
export function clearValue(value: StoredKeyVerdict | undefined): KeyAssessment | undefined {
  return value === undefined || 'sealed' in value ? undefined : value;
}

/** `cache` as a cache of verdicts in clear: a sealed one is a miss. */
export function inClear(cache: VerdictCache<StoredKeyVerdict>): VerdictCache<KeyAssessment> {
  const clear = (entry: CacheEntry<StoredKeyVerdict> | undefined): CacheEntry<KeyAssessment> | undefined => {
    const value = clearValue(entry?.value);
    return value && { value, expiresAt: entry!.expiresAt };
  };
  return {
    get: async (key) => clear(await cache.get(key)),
    put: (key, value, expiresAt) => cache.put(key, value, expiresAt),
    delete: (key) => cache.delete(key),
    deleteExpired: (now) => cache.deleteExpired(now),
  };
}
