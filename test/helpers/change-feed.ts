import type { Change, ChangeFeed } from '../../src/server/store/store';

/**
 * A change feed the test speaks into, as another node's writes (`tell`), a lost listening connection (`lose`: not
 * live) and a reconnect (`reset`, live again) would.
 */
export function manualFeed() {
  let live = true;
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
    get live() {
      return live;
    },
  };
  return {
    changes,
    tell: (change: Change) => listeners.forEach((listener) => listener(change)),
    lose: () => {
      live = false;
    },
    reset: () => {
      resetters.forEach((reset) => reset());
      live = true;
    },
  };
}
