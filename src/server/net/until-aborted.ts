/**
 * How I/O honours an abort signal when the work itself may not: the caller is answered at the abort, by
 * `onAbort` (a value, or a throw), while the work runs on. The key and transport services use it for lookups they
 * share between callers (the one who gives up gets `unknown`, the shared work goes on for the others and the
 * cache); `httpsGet` for an injected resolver that may ignore its signal (the deadline must hold anyway).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      try {
        resolve(onAbort());
      } catch (error) {
        reject(error);
      }
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
