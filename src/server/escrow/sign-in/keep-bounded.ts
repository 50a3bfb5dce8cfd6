/**
 * Keeps `value` under `key` in a map of at most `max` entries: set anew, it becomes the newest, and past the
 * bound the oldest goes. The sign-in caches hold what remote parties name (domains, issuers, key sets), which has
 * no bound of its own.
 */
export function keepBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!);
  map.set(key, value);
}
