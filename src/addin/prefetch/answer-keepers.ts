/**
 * Where prefetched answers are kept: the interface each place implements, the runtime's own memory, a text slot the
 * host keeps (the host adapter gives the slot), and two of them together. In memory they are kept by the set of
 * addresses they are for: where the runtime outlives the event (the event page of Outlook on the web, new Outlook
 * and Mac), the send finds them there without a call to the host. A few sets only: the latest changes of the
 * messages open at once.
 */
import { recordFailure } from '../failure-log';
import { addressesKey, keptText, readKept, type PrefetchedAnswers } from './prefetched-answers';

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

/** One stored text a host keeps for the add-in (an item's session data, the runtime's storage). */
export interface TextSlot {
  /** Undefined when nothing is kept. */
  read(): Promise<string | undefined>;
  write(text: string): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Answers in one host slot: the latest set's only, the only one a send from that slot can use. Read back through
 * `readKept`; answers too long to keep clear the slot, as the earlier set's can no longer match the message. A slot
 * that fails only means the send asks the service.
 */
export function keptInSlot(slot: TextSlot): AnswerKeeper {
  return {
    async keep(prefetched) {
      const text = keptText(prefetched);
      try {
        await (text === undefined ? slot.clear() : slot.write(text));
      } catch (error) {
        recordFailure('keeping the answers for the send check', error);
      }
    },
    async find(addresses) {
      let text: string | undefined;
      try {
        text = await slot.read();
      } catch {
        // Nothing kept yet reads as a failure on some clients: the send asks the service, as without a slot.
        return undefined;
      }
      const kept = typeof text === 'string' ? readKept(text) : undefined;
      return kept && addressesKey(kept.addresses) === addressesKey(addresses) ? kept : undefined;
    },
  };
}
