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
import type { ChangeFeed } from './store';

export interface PendingRead {
  /** True when `key` was not changed while the read waited, no reset came, and the feed is live. */
  keepable(key: string): boolean;
  /** Ends the read: call once, after `keepable`. */
  end(): void;
}

export class ReadGuard {
  private readonly pending = new Set<{ changed: Set<string>; everything: boolean }>();

  constructor(private readonly changes: ChangeFeed) {}

  /** False while another node's change could go unheard: memory must not be trusted. */
  get trusted(): boolean {
    return this.changes.live;
  }

  begin(): PendingRead {
    const read = { changed: new Set<string>(), everything: false };
    this.pending.add(read);
    return {
      keepable: (key) => !read.everything && !read.changed.has(key) && this.changes.live,
      end: () => this.pending.delete(read),
    };
  }

  /** `key` changed: reads in flight may hold its old value. */
  changed(key: string): void {
    for (const read of this.pending) read.changed.add(key);
  }

  /** Anything may have changed. */
  changedAll(): void {
    for (const read of this.pending) read.everything = true;
  }
}
