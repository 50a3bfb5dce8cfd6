/**
 * What an admin's change to pins or the organisation keyring owes the key cache: the verdicts it affects are
 * dropped, so the next lookup for those addresses sees the change instead of a cached answer.
 */
import type { Store } from '../store/store';

/** Drops the cached key verdicts of `addresses` (store keys, `addressKey` form). */
export async function forgetKeyVerdicts(store: Store, addresses: readonly string[]): Promise<void> {
  await Promise.all(addresses.map((address) => store.keyVerdicts.delete(address)));
}
