/**
 * `make` called at most once per object while that object lives. What is derived from a value a cache keeps (a
 * report's assessment, a route's provider) is then one object from call to call: no copy per request, and a later
 * step that compares by identity (the assess answer's writer) finds it unchanged.
 */
export function madeOnce<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = make(key);
      made.set(key, value);
    }
    return value;
  };
}
