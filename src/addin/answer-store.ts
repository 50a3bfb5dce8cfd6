/**
 * Answers of the service kept in the page's own storage between openings of the pane, per service and per kind
 * (`policy`, `sign-in`): the next opening sends the kept copy's ETag and the service answers 304 while it is
 * current. Storage that is missing, full or damaged only means the answer is downloaded again.
 */
import type { AnswerStore, KeptAnswer } from './backend';

type PageStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** `kind`: which answer, named in the storage key beside the service's address. */
export function pageAnswerStore(
  storage: PageStorage | undefined,
  kind: 'policy' | 'sign-in',
  backendUrl: string,
): AnswerStore {
  const key = `sendguard-${kind} ${backendUrl}`;
  return {
    read() {
      try {
        const kept: unknown = JSON.parse(storage?.getItem(key) ?? 'null');
        const { etag, body } = (kept ?? {}) as Partial<KeptAnswer>;
        return typeof etag === 'string' && body !== undefined ? { etag, body } : undefined;
      } catch {
        return undefined;
      }
    },
    write(kept) {
      try {
        storage?.setItem(key, JSON.stringify(kept));
      } catch {
        // Full or switched off: the next opening downloads the answer again.
      }
    },
  };
}

/** The page's local storage, or none where reading it throws (storage switched off for the site). */
export function pageStorage(): PageStorage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    return undefined;
  }
}
