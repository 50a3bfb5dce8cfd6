/**
 * What stops work inside the DNS client: to an exchange what an AbortSignal is to the client's callers, at the cost
 * one query of the hundreds a batch of domains sends can afford. Node's AbortController and its listeners (an
 * EventTarget) cost more than building and reading the DNS message: every query had a controller and up to three
 * listeners on it. Callers still pass AbortSignals (client.ts), each watched once per query.
 */
export class Stop {
  private readonly watchers = new Set<(reason: unknown) => void>();
  private stoppedFor: { reason: unknown } | undefined;

  get isStopped(): boolean {
    return this.stoppedFor !== undefined;
  }

  /** Why it was stopped; undefined while it is not. */
  get reason(): unknown {
    return this.stoppedFor?.reason;
  }

  /** Calls `watcher` once, when stopped (never, when already stopped: check `isStopped` first); returns its undo. */
  watch(watcher: (reason: unknown) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  stop(reason: unknown): void {
    if (this.stoppedFor) return;
    this.stoppedFor = { reason };
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const watcher of watchers) watcher(reason);
  }
}
