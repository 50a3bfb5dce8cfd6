/**
 * Where the add-in finds its backend. The pages (pane, runtime page) are served by the backend itself, so their
 * own origin is the answer; classic Outlook's JavaScript-only runtime has no page, so its bundle carries the
 * deployment's base URL, written over BASE_URL_PLACEHOLDER by the server as it serves the file (as it does for
 * the manifest). The try-it page sets `SENDGUARD_CONFIG` before loading the bundles.
 */
import type { BackendConnection } from '../addin/backend';
import { BASE_URL_PLACEHOLDER } from '../core/deployment';

/** The manifest's id of the compose button that opens the pane; the send check's alert offers it. */
export const OPEN_PANE_COMMAND = 'SendguardOpenPane';

interface ConfigGlobal {
  SENDGUARD_CONFIG?: Partial<BackendConnection>;
  location?: { origin?: string };
}

export function addinConfig(scope: ConfigGlobal = globalThis as ConfigGlobal): BackendConnection {
  const given = scope.SENDGUARD_CONFIG ?? {};
  const origin = scope.location?.origin;
  const backendUrl = given.backendUrl ?? (origin && /^https?:/.test(origin) ? origin : BASE_URL_PLACEHOLDER);
  return { backendUrl, ...(given.token ? { token: given.token } : {}) };
}
