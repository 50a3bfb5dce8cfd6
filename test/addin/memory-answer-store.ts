import type { AnswerStore, KeptAnswer } from '../../src/addin/backend';

/** A store in memory, as the page's storage holds it; `kept` is what it holds. */
export function memoryStore(): AnswerStore & { kept?: KeptAnswer } {
  const store: AnswerStore & { kept?: KeptAnswer } = {
    read: () => store.kept,
    write: (kept) => {
      store.kept = kept;
    },
  };
  return store;
}
