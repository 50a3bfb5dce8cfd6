/**
 * Where the add-in finds its backend. The pages (pane, runtime page) are served by the backend itself, so their
 * own origin is the answer; classic Outlook's JavaScript-only runtime has no page, so its bundle carries the
 * deployment's base URL, written over BASE_URL_PLACEHOLDER by the server as it serves the file (as it does for
 * the manifest). The try-it page sets `SENDGUARD_CONFIG` before loading the bundles.
 */
import type { BackendConnection } from '../addin/backend';
import { BASE_URL_PLACEHOLDER } from '../core/deployment';
import { DEPLOYMENT_PLACEHOLDER, VERDICT_KEY_PLACEHOLDER, type VerdictTrust } from '../core/signed/statement';

/** The manifest's id of the compose button that opens the pane; the send check's alert offers it. */
export const OPEN_PANE_COMMAND = 'SendguardOpenPane';

interface ConfigGlobal {
  SENDGUARD_CONFIG?: Partial<BackendConnection> & { verdicts?: VerdictTrust };
  location?: { origin?: string };
}

export function addinConfig(scope: ConfigGlobal = globalThis as ConfigGlobal): BackendConnection {
  const given = scope.SENDGUARD_CONFIG ?? {};
  const origin = scope.location?.origin;
  const backendUrl = given.backendUrl ?? (origin && /^https?:/.test(origin) ? origin : BASE_URL_PLACEHOLDER);
  return { backendUrl, ...(given.token ? { token: given.token } : {}) };
}

/**
 * What the send check checks kept verdicts with: the try-it page's configuration, else what the service wrote into
 * the send handler as it served it (the placeholders stay where it did not: then no key, and nothing is kept).
 */
export function verdictTrust(scope: ConfigGlobal = globalThis as ConfigGlobal): VerdictTrust {
  return (
    scope.SENDGUARD_CONFIG?.verdicts ?? {
      publicKey: VERDICT_KEY_PLACEHOLDER,
      deployment: DEPLOYMENT_PLACEHOLDER,
    }
  );
}
