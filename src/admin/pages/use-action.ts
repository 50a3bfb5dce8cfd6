/**
 * One thing the admin starts (add a key, pin, save, preview): whether it is under way, and what went wrong last
 * time in the words `failed` gives the error. Starting again clears the last failure.
 */
import { useState } from 'react';

export interface Action<F> {
  working: boolean;
  failure: F | undefined;
  start: () => Promise<void>;
}

export function useAction<F = string>(run: () => Promise<void>, failed: (error: unknown) => F): Action<F> {
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<F>();
  const start = async () => {
    setWorking(true);
    setFailure(undefined);
    try {
      await run();
    } catch (error) {
      setFailure(failed(error));
    } finally {
      setWorking(false);
    }
  };
  return { working, failure, start };
}
