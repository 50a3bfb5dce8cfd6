/**
 * What a console page shows while it asks the service for something: still asking, the answer, or why it could
 * not be had. `reload()` asks again (after a change the page made), keeping the last answer on screen meanwhile;
 * so does a new `key` (what is asked for, or a count of changes that make the answer old).
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export type Loaded<T> =
  { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'ready'; value: T };

export function useLoaded<T>(
  load: () => Promise<T>,
  key: string | number = '',
): Loaded<T> & { reload: () => Promise<void> } {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const latest = useRef(load);
  latest.current = load;
  // Only the newest request's answer lands: an older one finishing late never replaces it.
  const asked = useRef(0);
  const reload = useCallback(async () => {
    const turn = ++asked.current;
    try {
      const value = await latest.current();
      if (turn === asked.current) setLoaded({ state: 'ready', value });
    } catch (error) {
      if (turn === asked.current) setLoaded({ state: 'failed', error });
    }
  }, []);
  useEffect(() => {
    void reload();
    return () => {
      asked.current++;
    };
  }, [reload, key]);
  return { ...loaded, reload };
}
