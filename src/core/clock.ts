/**
 * The one clock every part is given. Wall time is for what is stored, expires or is compared with another
 * machine's time; monotonic time is for deadlines and durations, which must not jump when the system clock is
 * set. Parts take a `Clock` in their options and default to `systemClock`; tests pass one they move by hand.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Milliseconds from an arbitrary origin, never going back. */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};
