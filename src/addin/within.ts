/**
 * `work` within `deadlineMs`, else `onTimeout` (called once). The timer is always cleared before this settles: in
 * Outlook's send handler a timer that outlives `event.completed` has let blocked mail go out.
 */
export async function within<T>(deadlineMs: number, work: Promise<T>, onTimeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), deadlineMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    // The loser of the race must not surface later as an unhandled rejection.
    work.catch(() => undefined);
  }
}
