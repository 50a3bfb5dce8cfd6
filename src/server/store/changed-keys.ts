/**
 * Changed keys waiting for a decision: a lookup that finds a key other than the one pinned for an address (verdict
 * `changed`) notes it here, once per address and key found, and the entry stays in the admin's list until someone
 * decides — a sender or an admin accepting it (it is pinned), or an admin refusing it (the old pin stays). The
 * decision and who made it stay in the row, so the same key found again is not listed again.
 */
import type { KeySource } from '../../core/vocabulary';
import type { Row, SqlRunner } from './sql-runner';

export interface ChangedKey {
  /** As `mailboxKey` gives it. */
  address: string;
  /** The key pinned when this one was found. */
  pinnedFingerprint: string;
  /** The key found. */
  fingerprint: string;
  source?: KeySource;
  /** The lookup's reasons, as the sender was shown them. */
  reasons: string[];
  /** Milliseconds since the epoch: when a lookup first found it. */
  seenAt: number;
}

interface KeyDecision {
  decision: 'accepted' | 'refused';
  /** Who decided (the caller's subject or address, as the pin's `acceptedBy`). */
  by: string;
  at: number;
}

export interface ChangedKeys {
  /** Notes a changed key a lookup found; a second note of the same address and key changes nothing. */
  note(key: ChangedKey): Promise<void>;
  /** Entries no one has decided yet, newest first, at most `limit`. */
  pending(limit: number): Promise<ChangedKey[]>;
  /** Decides the entry for `address` and `fingerprint` if no one has yet; false when there is no such entry. */
  decide(address: string, fingerprint: string, decision: KeyDecision): Promise<boolean>;
}

function changedKey(row: Row): ChangedKey {
  return {
    address: row.address as string,
    pinnedFingerprint: row.pinned_fingerprint as string,
    fingerprint: row.fingerprint as string,
    ...(row.source == null ? {} : { source: row.source as KeySource }),
    reasons: JSON.parse(row.reasons as string) as string[],
    seenAt: Number(row.seen_at),
  };
}

export function sqlChangedKeys(db: SqlRunner): ChangedKeys {
  return {
    async note(key) {
      await db.run(
        `INSERT INTO changed_keys (address, fingerprint, pinned_fingerprint, source, reasons, seen_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (address, fingerprint) DO NOTHING`,
        [
          key.address,
          key.fingerprint,
          key.pinnedFingerprint,
          key.source ?? null,
          JSON.stringify(key.reasons),
          key.seenAt,
        ],
      );
    },
    async pending(limit) {
      const rows = await db.all(
        `SELECT * FROM changed_keys WHERE decision IS NULL ORDER BY seen_at DESC, address, fingerprint LIMIT ?`,
        [limit],
      );
      return rows.map(changedKey);
    },
    async decide(address, fingerprint, { decision, by, at }) {
      const changed = await db.run(
        `UPDATE changed_keys SET decision = ?, decided_by = ?, decided_at = ?
         WHERE address = ? AND fingerprint = ? AND decision IS NULL`,
        [decision, by, at, address, fingerprint],
      );
      return changed > 0;
    },
  };
}

/** The same in a map, for the memory store of unit tests. */
export function memoryChangedKeys(): ChangedKeys {
  const entries = new Map<string, { key: ChangedKey; decision?: KeyDecision }>();
  const id = (address: string, fingerprint: string) => `${address} ${fingerprint}`;
  return {
    async note(key) {
      const at = id(key.address, key.fingerprint);
      if (!entries.has(at)) entries.set(at, { key: structuredClone(key) });
    },
    async pending(limit) {
      return [...entries.values()]
        .filter((entry) => entry.decision === undefined)
        .map((entry) => structuredClone(entry.key))
        .sort((a, b) => b.seenAt - a.seenAt)
        .slice(0, limit);
    },
    async decide(address, fingerprint, decision) {
      const entry = entries.get(id(address, fingerprint));
      if (entry === undefined || entry.decision !== undefined) return false;
      entry.decision = { ...decision };
      return true;
    },
  };
}
