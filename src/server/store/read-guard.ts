/**
 * What a memory front (verdicts, tokens) needs to decide whether a value it just read from the store may be kept
 * in memory. A read waits on the database; meanwhile this node may change or delete the key itself, or hear that
 * another node did, and the row the read brings back may then be the old one. Each read in flight notes the keys
 * changed while it waited (per key: a change to another key does not keep it out), and a reset (the feed may have
 * missed changes) marks every read in flight. Only reads in flight are tracked, so memory stays bounded by them.
 *
 * While the change feed is not live (its listening connection is lost and not yet back), another node's change
 * would not be heard at all: the fronts then neither answer from memory nor keep what they read (fail closed).
 */
import type { ChangedCache, ChangeFeed } from './store';

export class ReadGuard {
  private readonly pending = new Set<{ changed: Set<string>; everything: boolean }>();

  constructor(private readonly changes: ChangeFeed) {}

  /**
   * Follows the feed for `cache`: another node's change to a key marks the reads of it in flight and calls
   * `drop(key)`; a reset marks every read and calls `dropAll`. Returns the function that stops.
   */
  follow(cache: ChangedCache, memory: { drop(key: string): void; dropAll(): void }): () => void {
    return this.changes.subscribe(
      (change) => {
        if (change.cache !== cache) return;
        this.changed(change.key);
        memory.drop(change.key);
      },
      () => {
        this.changedAll();
        memory.dropAll();
      },
    );
  }

  /** False while another node's change could go unheard: memory must not be trusted. */
  get trusted(): boolean {
    return this.changes.live;
  }

  /**
   * Reads through `load` and hands over what it found to `keep` only when its key (`keyOf`) did not change while
   * the read waited, no reset came, and the feed is live; what it found is returned either way.
   */
  async readThrough<V>(
    load: () => Promise<V | undefined>,
    keyOf: (found: V) => string,
    keep: (found: V) => void,
  ): Promise<V | undefined> {
    const read = { changed: new Set<string>(), everything: false };
    this.pending.add(read);
    try {
      const found = await load();
      if (found !== undefined && !read.everything && !read.changed.has(keyOf(found)) && this.changes.live)
        keep(found);
      return found;
    } finally {
      this.pending.delete(read);
    }
  }

  /** `key` changed: reads in flight may hold its old value. */
  changed(key: string): void {
    for (const read of this.pending) read.changed.add(key);
  }

  /** Anything may have changed. */
  private changedAll(): void {
    for (const read of this.pending) read.everything = true;
  }
}
