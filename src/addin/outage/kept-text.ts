/**
 * Where the kept verdicts' text lives when the host offers nothing better: a page's localStorage (synchronous, so
 * wrapped), or this runtime's memory alone, which the next send in the same runtime still finds.
 */
import type { KeptText } from './kept-store';

type PageStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function pageKeptText(storage: PageStorage, key: string): KeptText {
  return {
    read: async () => storage.getItem(key) ?? undefined,
    write: async (text) => storage.setItem(key, text),
  };
}

export function memoryKeptText(): KeptText {
  let kept: string | undefined;
  return {
    read: async () => kept,
    write: async (text) => {
      kept = text;
    },
  };
}

/** The storage key of the kept verdicts of the service at `backendUrl`. */
export const keptVerdictsKey = (backendUrl: string) => `sendguard-verdicts ${backendUrl}`;
