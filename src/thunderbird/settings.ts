/**
 * Where the add-on finds its backend and how it signs in, kept in `storage.local` (set on the options page): the
 * background reads them afresh for every send, so nothing about them lives only in a suspended event page's memory.
 */
import type { BackendConnection } from '../addin/backend';
import { SendguardError } from '../core/errors';
import type { StorageArea } from './messenger';

const KEY = 'settings';

/** The backend address typed on the options page cannot be used; the message says how to write it. */
class SettingsError extends SendguardError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SETTINGS_BAD_BACKEND_URL', message, options);
  }
}

/** The backend's base URL as typed, checked: http(s) only, no path beyond `/`, no credentials in it. */
export function parseBackendUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch (error) {
    throw new SettingsError('The backend address is not a web address, e.g. https://sendguard.example.org', {
      cause: error,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new SettingsError('The backend address must start with https:// (or http:// on a test machine).');
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/')
    throw new SettingsError(
      'Give only the backend’s address, e.g. https://sendguard.example.org, nothing after it.',
    );
  return url.origin;
}

/** The host permission the add-on needs to call the backend (any port on that host, as match patterns allow). */
export function originPattern(backendUrl: string): string {
  const url = new URL(backendUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

export async function readSettings(storage: StorageArea): Promise<BackendConnection | undefined> {
  const stored = (await storage.get(KEY))[KEY] as Partial<BackendConnection> | undefined;
  if (!stored || typeof stored.backendUrl !== 'string') return undefined;
  return {
    backendUrl: stored.backendUrl,
    ...(typeof stored.token === 'string' && stored.token !== '' ? { token: stored.token } : {}),
  };
}

export async function saveSettings(storage: StorageArea, settings: BackendConnection): Promise<void> {
  await storage.set({ [KEY]: settings });
}
