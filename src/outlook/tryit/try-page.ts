/**
 * What both try-it pages (compose and read) do before the add-in bundles load: take the theme from `?theme=`,
 * install the simulated Office as `window.Office` (and as `sendguardTry`, for the browser tests) and give the
 * page itself the same theme as the pane.
 */
import { simulateOffice, type SimOptions, type SimulatedOffice } from './simulated-office';

/** `globals`: anything else the page's bundles read from `window` when they start. */
export function startTryPage(
  options: Omit<SimOptions, 'theme'>,
  globals: Record<string, unknown> = {},
): SimulatedOffice {
  const theme = new URLSearchParams(location.search).get('theme') === 'dark' ? 'dark' : 'light';
  const sim = simulateOffice({ ...options, theme });
  Object.assign(window, { ...globals, Office: sim.office, sendguardTry: sim });
  document.addEventListener('DOMContentLoaded', () => {
    if (theme === 'dark') document.body.classList.add('dark');
  });
  return sim;
}
