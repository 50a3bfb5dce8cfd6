/**
 * Light or dark: the system's preference (`prefers-color-scheme`), followed as it changes, unless the page's
 * `?theme=light` or `?theme=dark` forces one (the accessibility tests check both).
 */
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { createContext, useContext, useEffect, useState } from 'react';

type ThemeName = 'light' | 'dark';

/** The forced theme of a query string, if it names one. */
export function forcedTheme(search: string): ThemeName | undefined {
  const asked = new URLSearchParams(search).get('theme');
  return asked === 'light' || asked === 'dark' ? asked : undefined;
}

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function useThemeName(search: string): ThemeName {
  const forced = forcedTheme(search);
  const [prefersDark, setPrefersDark] = useState(() => window.matchMedia(DARK_QUERY).matches);
  useEffect(() => {
    if (forced) return;
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => setPrefersDark(query.matches);
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [forced]);
  return forced ?? (prefersDark ? 'dark' : 'light');
}

export const THEMES: Readonly<Record<ThemeName, Theme>> = { light: webLightTheme, dark: webDarkTheme };

/** The theme in use, for what Fluent's tokens do not reach (the charts' colours are resolved per theme). */
export const ThemeNameContext = createContext<ThemeName>('light');
export const useShownTheme = (): ThemeName => useContext(ThemeNameContext);
