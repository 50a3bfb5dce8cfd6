/**
 * The portal's one decision about its theme: the reader's colour scheme (`prefers-color-scheme`), followed as it
 * changes (a system switching to dark at dusk).
 */
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { useSyncExternalStore } from 'react';

const DARK = '(prefers-color-scheme: dark)';

function subscribe(changed: () => void): () => void {
  const query = window.matchMedia(DARK);
  query.addEventListener('change', changed);
  return () => query.removeEventListener('change', changed);
}

export function usePreferredTheme(): Theme {
  const dark = useSyncExternalStore(subscribe, () => window.matchMedia(DARK).matches);
  return dark ? webDarkTheme : webLightTheme;
}
