import { FeedSubscribers } from '../../src/server/store/feed-subscribers';
import type { Change, ChangeFeed } from '../../src/server/store/store';

/**
 * A change feed the test speaks into, as another node's writes (`tell`), a lost listening connection (`lose`: not
 * live) and a reconnect (`reset`, live again) would.
 */
export function manualFeed() {
  let live = true;
  const subscribers = new FeedSubscribers();
  const changes: ChangeFeed = {
    subscribe: subscribers.subscribe,
    get live() {
      return live;
    },
  };
  return {
    changes,
    tell: (change: Change) => subscribers.tell(change),
    lose: () => {
      live = false;
    },
    reset: () => {
      subscribers.reset();
      live = true;
    },
  };
}
