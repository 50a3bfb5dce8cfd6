/**
 * One promise per key while a piece of work runs: callers asking for the same key meanwhile share it, and the
 * next caller after it settles (resolved or rejected) starts afresh. Caching the result is the caller's business.
 * Used by the service's lookups and by the add-in's sign-in (silent token requests made at once share one).
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The running work for `key`, or `start()`'s, shared until it settles. */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const shared = this.running.get(key);
    if (shared !== undefined) return shared;
    const work = start();
    this.running.set(key, work);
    // Not `finally`: the add-in's send handler runs this where ES2016 is all there is.
    const settled = () => {
      if (this.running.get(key) === work) this.running.delete(key);
    };
    work.then(settled, settled);
    return work;
  }
}
