/**
 * The Outlook send handler's kept verdicts (addin/outage/): in OfficeRuntime.storage where the runtime has it (it
 * outlives Outlook's restarts; that a JavaScript-only runtime shares it with the pane is not verified), else in
 * the page's localStorage, else in this runtime's memory. Kept only where the add-in holds a verdict key to check
 * them with: without one nothing kept could be trusted.
 */
import type { Backend } from '../addin/backend';
import { pageStorage } from '../addin/answer-store';
import { withKeptVerdicts, type KeptText } from '../addin/outage/kept-store';
import { memoryKeptText, pageKeptText } from '../addin/outage/kept-text';
import type { VerdictTrust } from '../core/signed/statement';

/** The part of OfficeRuntime.storage used here. */
interface RuntimeStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
}

interface StorageGlobal {
  OfficeRuntime?: { storage?: RuntimeStorage };
}

function officeKeptText(key: string, scope: StorageGlobal): KeptText {
  const runtime = scope.OfficeRuntime?.storage;
  if (runtime)
    return {
      read: async () => (await runtime.getItem(key)) ?? undefined,
      write: (text) => runtime.setItem(key, text),
    };
  const page = pageStorage();
  return page ? pageKeptText(page, key) : memoryKeptText();
}

/** `backend` keeping signed verdicts for the send check, where `trust` holds a key; else `backend` as it is. */
export function withOutlookKeptVerdicts(
  backend: Backend,
  backendUrl: string,
  trust: VerdictTrust,
  scope: StorageGlobal = globalThis as StorageGlobal,
): Backend {
  return withKeptVerdicts(backend, backendUrl, trust, (key) => officeKeptText(key, scope));
}
