/**
 * Where prefetched answers are kept: the interface each place implements (the host's item storage is the host
 * adapter's), the runtime's own memory, and the two together. In memory they are kept by the set of addresses they
 * are for: where the runtime outlives the event (the event page of Outlook on the web, new Outlook and Mac), the
 * send finds them there without a call to the host. A few sets only: the latest changes of the messages open at once.
 */
import { addressesKey, type PrefetchedAnswers } from './prefetched-answers';

/** Enough for the recipient sets of several messages written side by side. */
const MAX_SETS = 16;

export interface AnswerKeeper {
  keep(prefetched: PrefetchedAnswers): Promise<void>;
  /** What is kept for exactly these addresses (current or not: the caller decides). */
  find(addresses: readonly string[]): Promise<PrefetchedAnswers | undefined>;
}

export function keptInMemory(maxSets = MAX_SETS): AnswerKeeper {
  const kept = new Map<string, PrefetchedAnswers>();
  return {
    keep(prefetched) {
      const key = addressesKey(prefetched.addresses);
      // Re-inserted, so that the map's order is the order of keeping and the first entry the oldest.
      kept.delete(key);
      kept.set(key, prefetched);
      for (const oldest of kept.keys()) {
        if (kept.size <= maxSets) break;
        kept.delete(oldest);
      }
      return Promise.resolve();
    },
    find: (addresses) => Promise.resolve(kept.get(addressesKey(addresses))),
  };
}

/** `first`, else `second`; what is kept goes to both (the item's copy for a runtime that does not last). */
export function keptInBoth(first: AnswerKeeper, second: AnswerKeeper): AnswerKeeper {
  return {
    async keep(prefetched) {
      await Promise.all([first.keep(prefetched), second.keep(prefetched)]);
    },
    async find(addresses) {
      return (await first.find(addresses)) ?? second.find(addresses);
    },
  };
}
