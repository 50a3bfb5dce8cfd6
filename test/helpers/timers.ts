import type { After } from '../../src/outlook/after';

/** Timers whose time passes only when a test says so: hand `after` to the code under test, then `pass()`. */
export class ManualTimers {
  private readonly waiting = new Set<() => void>();

  readonly after: After = (_ms, task) => {
    const entry = () => task();
    this.waiting.add(entry);
    return () => void this.waiting.delete(entry);
  };

  /** How many timers are set and not yet passed or cancelled. */
  get pending(): number {
    return this.waiting.size;
  }

  /** Lets the time of every timer set so far pass: each runs once, as its deadline would. */
  pass(): void {
    const due = [...this.waiting];
    this.waiting.clear();
    due.forEach((task) => task());
  }
}

/** A timer whose time has already passed: the task runs as soon as the code that set it yields. */
export const alreadyPassed: After = (_ms, task) => {
  let cancelled = false;
  queueMicrotask(() => cancelled || task());
  return () => void (cancelled = true);
};
