/**
 * The policy kept in the page's own storage between openings of the pane, per service: the next opening sends its
 * ETag and the service answers 304 while the policy is unchanged. Storage that is missing, full or damaged only
 * means the policy is downloaded again.
 */
import type { KeptPolicy, PolicyStore } from './backend';

type PageStorage = Pick<Storage, 'getItem' | 'setItem'>;

const KEY_PREFIX = 'sendguard-policy ';

export function pagePolicyStore(storage: PageStorage | undefined, backendUrl: string): PolicyStore {
  const key = KEY_PREFIX + backendUrl;
  return {
    read() {
      try {
        const kept: unknown = JSON.parse(storage?.getItem(key) ?? 'null');
        const { etag, body } = (kept ?? {}) as Partial<KeptPolicy>;
        return typeof etag === 'string' && body !== undefined ? { etag, body } : undefined;
      } catch {
        return undefined;
      }
    },
    write(kept) {
      try {
        storage?.setItem(key, JSON.stringify(kept));
      } catch {
        // Full or switched off: the next opening downloads the policy again.
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
