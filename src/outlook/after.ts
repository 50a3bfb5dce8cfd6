/**
 * Where the hand-off's deadlines get their timers. `After` is a dependency beside the clock wherever one is
 * waited for, so tests pass the deadline by hand instead of waiting it out or mocking the global timers.
 */

/** Runs `task` once, `ms` from now; returns the function that cancels it. */
export type After = (ms: number, task: () => void) => () => void;

export const timerAfter: After = (ms, task) => {
  const timer = setTimeout(task, ms);
  return () => clearTimeout(timer);
};
