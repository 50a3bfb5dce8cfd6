/**
 * One promise per key while a piece of work runs: callers asking for the same key meanwhile share it, and the
 * next caller after it settles (resolved or rejected) starts afresh. Caching the result is the caller's business.
 */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The running work for `key`, or `start()`'s, shared until it settles. */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const shared = this.running.get(key);
    if (shared !== undefined) return shared;
    const work = start().finally(() => this.running.delete(key));
    this.running.set(key, work);
    return work;
  }
}
