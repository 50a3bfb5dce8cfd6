/** Writes to a store that hang until the test lets them finish, for tests of what does not wait for them. */

/** A write that waits until the test lets it finish, each one remembered in the order it began. */
export function heldWrites<T>() {
  const begun: Array<{ args: unknown[]; finish: () => void }> = [];
  const write = (...args: unknown[]) =>
    new Promise<T>((resolve) => begun.push({ args, finish: () => resolve(undefined as T) }));
  return { begun, write };
}
