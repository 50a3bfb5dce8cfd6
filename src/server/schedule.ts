/**
 * Where the service's periodic jobs (the key-verdict purge, secure pickup's purge) get their timers. The
 * `Schedule` is a parameter wherever a job is started, so tests fire the jobs by hand instead of waiting or
 * mocking the global timers.
 */

/**
 * Runs `task` every `everyMs`; returns the function that stops it. A pass's promise settles when the pass has
 * ended (it never rejects): a test running passes by hand awaits it rather than guessing how long a pass takes.
 */
export type Schedule = (task: () => Promise<void>, everyMs: number) => () => void;

/** `setInterval`, unref'd: a pending purge never keeps the process alive. */
export const intervalSchedule: Schedule = (task, everyMs) => {
  const timer = setInterval(() => void task(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * Runs `task` every `everyMs` on a timer from `schedule`; a failed pass goes to `onError` rather than being thrown
 * (the next one tries again). Returns the function that stops it, which the app's `onClose` calls.
 */
export function runPeriodically(
  schedule: Schedule,
  everyMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
): () => void {
  return schedule(() => task().then(() => undefined, onError), everyMs);
}
