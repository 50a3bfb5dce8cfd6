/**
 * One lookup deadline for the assess batches that start within a hundredth of it of each other. A signal of its own
 * per batch (`AbortSignal.timeout`) is a timer, a weak reference and a finalizer for every request, for a signal that
 * an answer from memory never waits on; shared, a batch's lookups get between 99 % and 100 % of the deadline.
 */
import { setMaxListeners } from 'node:events';
import { type Clock, systemClock } from '../../core/clock';

export class SharedDeadline {
  private current: { signal: AbortSignal; since: number } | undefined;

  /**
   * `clock` only decides when a new signal is due (tests move it by hand); the signal itself runs on real time.
   * The service's injected clock is not for this: in tests it may stand still while real deadlines pass.
   */
  constructor(
    private readonly ms: number,
    private readonly clock: Pick<Clock, 'monotonic'> = systemClock,
  ) {}

  /** The signal that aborts at most `ms` from now and at least 99 % of it. */
  signal(): AbortSignal {
    const now = this.clock.monotonic();
    if (!this.current || this.current.signal.aborted || now - this.current.since > this.ms / 100) {
      const signal = AbortSignal.timeout(this.ms);
      // Every lookup of every batch sharing it may listen, each until it settles.
      setMaxListeners(0, signal);
      this.current = { signal, since: now };
    }
    return this.current.signal;
  }
}
