/**
 * One lookup deadline for the assess batches that start within a hundredth of it of each other. A signal of its own
 * per batch (`AbortSignal.timeout`) is a timer, a weak reference and a finalizer for every request, for a signal that
 * an answer from memory never waits on; shared, a batch's lookups get between 99 % and 100 % of the deadline.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';

export class SharedDeadline {
  private current: { signal: AbortSignal; since: number } | undefined;

  constructor(private readonly ms: number) {}

  /** The signal that aborts at most `ms` from now and at least 99 % of it. */
  signal(): AbortSignal {
    // Real time, as the signal's own timer: the service's injected clock may stand still in tests.
    const now = performance.now();
    if (!this.current || this.current.signal.aborted || now - this.current.since > this.ms / 100) {
      const signal = AbortSignal.timeout(this.ms);
      // Every lookup of every batch sharing it may listen, each until it settles.
      setMaxListeners(0, signal);
      this.current = { signal, since: now };
    }
    return this.current.signal;
  }
}
