/**
 * Bookkeeping writes the send path starts and does not wait for (a verdict change, a changed key for the admin's
 * console): a slow database must not hold a check past its deadline. Writes under one key still run one after
 * another, in the order they were started, so a later verdict is never overwritten by an earlier one landing last.
 */
export class WritesInOrder {
  /** The last write started per key, while it runs. */
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Starts `write` once the writes started before it under `key` are done, and answers when it is done; callers
   * on the send path do not wait for it. `write` reports its own failures (it must not reject).
   */
  start(key: string, write: () => Promise<void>): Promise<void> {
    const done = (this.tails.get(key) ?? Promise.resolve()).then(write);
    this.tails.set(key, done);
    void done.finally(() => {
      if (this.tails.get(key) === done) this.tails.delete(key);
    });
    return done;
  }
}
