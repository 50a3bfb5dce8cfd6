/**
 * What the read pane saw of a conversation's messages, kept on this computer for the compose side: Office.js gives
 * a reply no way to read the message it replies to, only the conversation's id. The read pane keeps the marks of a
 * protected message it showed (thread/marks.ts) under that id; a reply or forward in the same conversation reads
 * them back. Kept in `OfficeRuntime.storage` where the runtime has it (classic Outlook's send handler has nothing
 * else), else in the page's local storage; never in roaming settings, which every window saves whole and where a
 * stale snapshot would overwrite the sender's links. Where neither is there, or the two sides do not share one,
 * the reply's quoted text is all the compose side goes by.
 */
import { CLASSIFICATION_NAME } from '../core/policy/limits';
import type { ThreadMark } from '../addin/thread/marks';

/** The promise-based store both `OfficeRuntime.storage` and a wrapped `localStorage` are. */
export interface KeyValueStore {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
}

const KEY = 'sendguard.threads';

/** The conversations kept, newest last; the oldest go first. A few kilobytes, far inside either store's limit. */
export const THREADS_KEPT = 200;

interface Kept {
  id: string;
  marks: ThreadMark[];
}

const MARK_KINDS = new Set(['openpgp', 'smime', 'encrypted', 'pickup']);

/** One stored mark, or `undefined` when it is not one this version writes (the store is read, not trusted). */
function markOf(value: unknown): ThreadMark | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, classification } = value as Record<string, unknown>;
  if (kind === 'classified')
    return typeof classification === 'string' && CLASSIFICATION_NAME.test(classification)
      ? { kind, classification }
      : undefined;
  return typeof kind === 'string' && MARK_KINDS.has(kind) ? ({ kind } as ThreadMark) : undefined;
}

function keptOf(text: string | null): Kept[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.flatMap((entry: unknown): Kept[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { id, marks } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !Array.isArray(marks)) return [];
    return [{ id, marks: marks.flatMap((m) => markOf(m) ?? []) }];
  });
}

/** Each mark once: the read pane sees a message again each time it is opened. */
function uniqueMarks(marks: readonly ThreadMark[]): ThreadMark[] {
  const seen = new Set<string>();
  return marks.filter((mark) => {
    const key = mark.kind === 'classified' ? `classified:${mark.classification}` : mark.kind;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface ThreadStore {
  /** Keeps a conversation's marks, adding to what was kept for it. */
  keep(conversationId: string, marks: readonly ThreadMark[]): Promise<void>;
  marksOf(conversationId: string): Promise<ThreadMark[]>;
}

export function threadStore(store: KeyValueStore): ThreadStore {
  return {
    async keep(conversationId, marks) {
      if (marks.length === 0) return;
      const kept = keptOf(await store.getItem(KEY));
      const earlier = kept.find((k) => k.id === conversationId)?.marks ?? [];
      const others = kept.filter((k) => k.id !== conversationId);
      const merged = uniqueMarks([...earlier, ...marks]);
      const next = [...others, { id: conversationId, marks: merged }].slice(-THREADS_KEPT);
      await store.setItem(KEY, JSON.stringify(next));
    },
    async marksOf(conversationId) {
      return keptOf(await store.getItem(KEY)).find((k) => k.id === conversationId)?.marks ?? [];
    },
  };
}

/** The runtime's store: `OfficeRuntime.storage`, else the page's local storage, else none. */
export function runtimeStore(scope: {
  OfficeRuntime?: { storage?: KeyValueStore };
  localStorage?: Pick<Storage, 'getItem' | 'setItem'>;
}): KeyValueStore | undefined {
  const officeStorage = scope.OfficeRuntime?.storage;
  if (officeStorage) return officeStorage;
  let local: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  try {
    local = scope.localStorage;
  } catch {
    return undefined; // storage refused (a browser's privacy setting)
  }
  if (!local) return undefined;
  const page = local;
  return {
    getItem: async (key) => page.getItem(key),
    setItem: async (key, value) => page.setItem(key, value),
  };
}

/** What the read pane kept, in this runtime's store; `undefined` where the runtime has none. */
export function runtimeThreadStore(): ThreadStore | undefined {
  const store = runtimeStore(globalThis as Parameters<typeof runtimeStore>[0]);
  return store ? threadStore(store) : undefined;
}
