/**
 * Thunderbird's kept verdicts (addin/outage/): in `storage.local`, which outlives the event page's suspension and
 * Thunderbird's restarts, under the service's address. What they are checked with — the service's verdict key and
 * deployment — is pinned on the options page when the connection is tested, and replaced only there: the service
 * cannot change it while it is down, nor anyone who can only answer in its name later.
 */
import type { Backend, BackendConnection } from '../addin/backend';
import { withKeptVerdicts, type KeptText } from '../addin/outage/kept-store';
import type { VerdictTrust } from '../core/signed/statement';
import type { StorageArea } from './messenger';

const TRUST_KEY = 'verdictTrust';

/** The verdict key pinned for `backendUrl`, if one was. */
async function readVerdictTrust(storage: StorageArea, backendUrl: string): Promise<VerdictTrust | undefined> {
  const pinned = (await storage.get(TRUST_KEY))[TRUST_KEY] as
    (Partial<VerdictTrust> & { backendUrl?: unknown }) | undefined;
  if (pinned?.backendUrl !== backendUrl) return undefined;
  const { publicKey, deployment } = pinned;
  return typeof publicKey === 'string' && typeof deployment === 'string'
    ? { publicKey, deployment }
    : undefined;
}

/** Pins `trust` for `backendUrl` (the options page, once the service answered); none forgets the pin. */
export async function pinVerdictTrust(
  storage: StorageArea,
  backendUrl: string,
  trust: VerdictTrust | undefined,
): Promise<void> {
  await storage.set({ [TRUST_KEY]: trust ? { backendUrl, ...trust } : null });
}

function storageKeptText(storage: StorageArea, key: string): KeptText {
  return {
    read: async () => {
      const kept = (await storage.get(key))[key];
      return typeof kept === 'string' ? kept : undefined;
    },
    write: (text) => storage.set({ [key]: text }),
  };
}

/** `backend` keeping signed verdicts for the send check, where a verdict key is pinned; else `backend` as it is. */
export async function withThunderbirdKeptVerdicts(
  backend: Backend,
  storage: StorageArea,
  { backendUrl }: BackendConnection,
): Promise<Backend> {
  const trust = await readVerdictTrust(storage, backendUrl);
  if (!trust) return backend;
  return withKeptVerdicts(backend, backendUrl, trust, (key) => storageKeptText(storage, key));
}
