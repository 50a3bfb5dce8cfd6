/**
 * The timer the service's periodic jobs (the key-verdict purge, secure pickup's purge) run on. It is a parameter
 * wherever a job is started, so tests fire the jobs by hand instead of waiting or mocking the global timers.
 */

/** Runs `task` every `everyMs`; returns the function that stops it. */
export type Schedule = (task: () => void, everyMs: number) => () => void;

/** `setInterval`, unref'd: a pending purge never keeps the process alive. */
export const intervalSchedule: Schedule = (task, everyMs) => {
  const timer = setInterval(task, everyMs);
  timer.unref();
  return () => clearInterval(timer);
};
