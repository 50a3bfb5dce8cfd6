import type { Change, ChangeFeed } from '../../src/server/store/store';

/** A change feed the test speaks into, as another node's writes (`tell`) and a reconnect (`reset`) would. */
export function manualFeed() {
  const listeners = new Set<(change: Change) => void>();
  const resetters = new Set<() => void>();
  const changes: ChangeFeed = {
    subscribe(listener, onReset) {
      listeners.add(listener);
      if (onReset) resetters.add(onReset);
      return () => {
        listeners.delete(listener);
        if (onReset) resetters.delete(onReset);
      };
    },
  };
  return {
    changes,
    tell: (change: Change) => listeners.forEach((listener) => listener(change)),
    reset: () => resetters.forEach((reset) => reset()),
  };
}
