/**
 * The pane's theme (themeOf, the one place the Outlook pane decides it): Outlook's theme where Outlook gives
 * one, whatever the system's colour scheme; the system's `prefers-color-scheme` where it gives none.
 */
import { themeOf } from '../../src/outlook/office-host';

/** An `Office` with this body background (none: a host without `officeTheme`). */
function office(bodyBackgroundColor?: string): typeof Office {
  const officeTheme = bodyBackgroundColor === undefined ? undefined : { bodyBackgroundColor };
  return { context: { officeTheme } } as unknown as typeof Office;
}

/** The system's scheme as `matchMedia` answers it, for the duration of `run`. */
function withScheme(scheme: 'light' | 'dark' | 'no matchMedia', run: () => void): void {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'matchMedia');
  if (scheme !== 'no matchMedia') {
    const matchMedia = (query: string) => ({
      matches: query === '(prefers-color-scheme: dark)' && scheme === 'dark',
    });
    Object.defineProperty(globalThis, 'matchMedia', { value: matchMedia, configurable: true });
  }
  try {
    run();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'matchMedia', saved);
    else delete (globalThis as { matchMedia?: unknown }).matchMedia;
  }
}

test("Outlook's theme decides where Outlook gives one, whatever the system's scheme", () => {
  withScheme('dark', () => expect(themeOf(office('#ffffff'))).toBe('light'));
  withScheme('light', () => expect(themeOf(office('#292929'))).toBe('dark'));
});

test("without Outlook's theme, the system's colour scheme decides", () => {
  withScheme('dark', () => expect(themeOf(office())).toBe('dark'));
  withScheme('light', () => expect(themeOf(office())).toBe('light'));
  withScheme('dark', () => expect(themeOf(office('not a colour'))).toBe('dark'));
});

test('without either, light', () => {
  withScheme('no matchMedia', () => expect(themeOf(office())).toBe('light'));
});
