/**
 * The Store held in maps, for unit tests. Values are cloned on the way in and out, as a database would
 * serialise them, so a test cannot pass by mutating what it stored.
 */
import { memoryChangedKeys } from './changed-keys';
import Database from 'better-sqlite3';
import { memoryDecisions } from './decision-store';
import { memoryRateCounters, noChanges } from './one-process';
import { memoryPolicyVersions } from './policy-versions';
import { tokenConflict } from './rows';
import { memoryVerdictChanges } from './verdict-changes';
import type {
  ApiStore,
  ApiTokenRecord,
  CacheEntry,
  KeyringEntry,
  KeyringStore,
  Pin,
  PinStore,
  TokenStore,
  VerdictCache,
} from './store';
import type { KeyAssessment } from '../../core/wire';

/** One argument only: `structuredClone` passed to `map` would take the index as its options. */
const copy = <T>(value: T): T => structuredClone(value);

class MemoryVerdictCache<T> implements VerdictCache<T> {
  private readonly entries = new Map<string, CacheEntry<T>>();

  async get(key: string) {
    const entry = this.entries.get(key);
    return entry && copy(entry);
  }

  async put(key: string, value: T, expiresAt: number) {
    this.entries.set(key, copy({ value, expiresAt }));
  }

  async delete(key: string) {
    this.entries.delete(key);
  }

  async deleteExpired(now: number) {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt < now) removed += Number(this.entries.delete(key));
    }
    return removed;
  }
}

/** Pins in a map: for the store below, and for a one-off process with no history (the `keys` command). */
export class MemoryPinStore implements PinStore {
  private readonly pins = new Map<string, Pin>();

  async get(address: string) {
    const pin = this.pins.get(address);
    return pin && copy(pin);
  }

  async list() {
    return [...this.pins.values()].sort((a, b) => (a.address < b.address ? -1 : 1)).map(copy);
  }

  async put(pin: Pin) {
    this.pins.set(pin.address, copy(pin));
  }

  async delete(address: string) {
    return this.pins.delete(address);
  }
}

class MemoryKeyring implements KeyringStore {
  private readonly keys = new Map<string, KeyringEntry>();

  async get(fingerprint: string) {
    const entry = this.keys.get(fingerprint);
    return entry && copy(entry);
  }

  async findByAddress(address: string) {
    return this.sorted().filter((entry) => entry.addresses.includes(address));
  }

  async list() {
    return this.sorted();
  }

  async put(entry: KeyringEntry) {
    this.keys.set(entry.fingerprint, copy({ ...entry, addresses: [...new Set(entry.addresses)].sort() }));
  }

  async delete(fingerprint: string) {
    return this.keys.delete(fingerprint);
  }

  private sorted() {
    return [...this.keys.values()].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)).map(copy);
  }
}

class MemoryTokens implements TokenStore {
  private readonly tokens = new Map<string, ApiTokenRecord>();

  async insert(token: ApiTokenRecord) {
    if ([...this.tokens.values()].some((t) => t.id === token.id || t.hash === token.hash)) {
      throw tokenConflict();
    }
    this.tokens.set(token.id, copy(token));
  }

  async findByHash(hash: string) {
    const found = [...this.tokens.values()].find((token) => token.hash === hash);
    return found && copy(found);
  }

  async list() {
    return [...this.tokens.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(copy);
  }

  async revoke(id: string, at: string) {
    const token = this.tokens.get(id);
    if (!token || token.revokedAt) return false;
    token.revokedAt = at;
    return true;
  }
}

/** The memory store: its key verdicts are kept in clear, so unit tests give them to a key service as they are. */
export type MemoryStore = Omit<ApiStore, 'keyVerdicts'> & { keyVerdicts: VerdictCache<KeyAssessment> };

/** A store only this process uses: rate counters in memory, and no other node's changes to hear. */
export function openMemoryStore(): MemoryStore {
  return {
    keyVerdicts: new MemoryVerdictCache<KeyAssessment>(),
    pins: new MemoryPinStore(),
    keyring: new MemoryKeyring(),
    tokens: new MemoryTokens(),
    decisions: memoryDecisions(new Database(':memory:')),
    verdictChanges: memoryVerdictChanges(),
    changedKeys: memoryChangedKeys(),
    rateCounters: memoryRateCounters(),
    changes: noChanges,
    policyVersions: memoryPolicyVersions(),
    close: async () => undefined,
  };
}
