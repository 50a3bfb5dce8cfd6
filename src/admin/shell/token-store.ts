/**
 * Where the admin's pasted API token stays while the tab is open: session storage, so it is gone when the tab
 * closes and never shared with other tabs or written to disk as local storage would be.
 */
export const TOKEN_KEY = 'sendguard-admin-token';

export function keptToken(storage: Storage = sessionStorage): string | undefined {
  return storage.getItem(TOKEN_KEY) ?? undefined;
}

export function keepToken(token: string, storage: Storage = sessionStorage): void {
  storage.setItem(TOKEN_KEY, token);
}

export function forgetToken(storage: Storage = sessionStorage): void {
  storage.removeItem(TOKEN_KEY);
}
