/** Who follows a change feed (`ChangeFeed.subscribe`): told each change another node made, and told to reset. */
import type { Change, ChangeFeed } from './store';

/**
 * Calls `tell` for each subscriber. One subscriber's fault must neither keep the others from hearing nor escape
 * into the caller (a connection's socket handler or a timer, where it would end the process).
 */
function tellEach<T>(subscribers: Iterable<T>, tell: (subscriber: T) => void): void {
  for (const subscriber of subscribers) {
    try {
      tell(subscriber);
    } catch {
      // Ignored: see above.
    }
  }
}

export class FeedSubscribers {
  private readonly listeners = new Set<(change: Change) => void>();
  private readonly resetters = new Set<() => void>();

  readonly subscribe: ChangeFeed['subscribe'] = (listener, onReset) => {
    this.listeners.add(listener);
    if (onReset) this.resetters.add(onReset);
    return () => {
      this.listeners.delete(listener);
      if (onReset) this.resetters.delete(onReset);
    };
  };

  tell(change: Change): void {
    tellEach(this.listeners, (listener) => listener(change));
  }

  reset(): void {
    tellEach(this.resetters, (reset) => reset());
  }
}
