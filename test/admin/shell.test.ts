/** The console shell's small rules: which tab a URL fragment names, the forced theme, where the token is kept. */
import { TABS, hashOfTab, tabOfHash } from '../../src/admin/shell/tabs';
import { forcedTheme } from '../../src/admin/shell/theme';
import { TOKEN_KEY, forgetToken, keepToken, keptToken } from '../../src/admin/shell/token-store';

test('each tab has its own fragment, read back to the same tab', () => {
  for (const { id } of TABS) expect(tabOfHash(hashOfTab(id))).toBe(id);
  expect(hashOfTab('messages')).toBe('#/messages');
});

test('an empty or unknown fragment opens the overview', () => {
  expect(tabOfHash('')).toBe('overview');
  expect(tabOfHash('#/nothing-here')).toBe('overview');
  expect(tabOfHash('#tokens')).toBe('tokens');
});

test('?theme= forces light or dark; anything else follows the system', () => {
  expect(forcedTheme('?theme=dark')).toBe('dark');
  expect(forcedTheme('?x=1&theme=light')).toBe('light');
  expect(forcedTheme('?theme=blue')).toBeUndefined();
  expect(forcedTheme('')).toBeUndefined();
});

test('the token is kept under its contract name and forgotten on sign-out', () => {
  const values = new Map<string, string>();
  const storage = {
    getItem: (key: string) => values.get(key) ?? null,
    setItem: (key: string, value: string) => void values.set(key, value),
    removeItem: (key: string) => void values.delete(key),
  } as Storage;
  expect(keptToken(storage)).toBeUndefined();
  keepToken('sgk_secret', storage);
  expect(TOKEN_KEY).toBe('sendguard-admin-token');
  expect(values.get('sendguard-admin-token')).toBe('sgk_secret');
  expect(keptToken(storage)).toBe('sgk_secret');
  forgetToken(storage);
  expect(keptToken(storage)).toBeUndefined();
});
