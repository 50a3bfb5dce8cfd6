/**
 * When each domain's transport verdict last changed: the transport service records every finished check's verdict,
 * and a row changes only when that verdict differs from the one recorded, so the admin's console can say since when
 * a domain is what it is. One row per domain (the last change only), written in one statement that compares and
 * changes at once, so that checks finishing together on several nodes cannot record one change twice.
 * An `unknown` verdict (a check that could not finish: a timeout, a DNS failure) is no change of the domain: it is
 * not recorded, so a passing fault does not erase what the domain last was and since when.
 */
import type { TransportVerdict } from '../../core/vocabulary';
import type { SqlRunner } from './sql-runner';

interface VerdictChange {
  /** Lower-case A-label. */
  domain: string;
  /** Null for the first verdict ever recorded for the domain. */
  from: TransportVerdict | null;
  to: TransportVerdict;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface VerdictChanges {
  /**
   * Records `to` as the domain's verdict at `at` when it differs from the last one recorded and is known; true when
   * it did.
   */
  record(domain: string, to: TransportVerdict, at: number): Promise<boolean>;
  /** The last change recorded for `domain`, if any. */
  last(domain: string): Promise<VerdictChange | undefined>;
}

const RECORD = `
  INSERT INTO verdict_changes (domain, from_verdict, to_verdict, changed_at) VALUES (?, NULL, ?, ?)
  ON CONFLICT (domain) DO UPDATE SET from_verdict = verdict_changes.to_verdict,
    to_verdict = excluded.to_verdict, changed_at = excluded.changed_at
  WHERE verdict_changes.to_verdict <> excluded.to_verdict`;

/** Whether a check's verdict says anything of the domain: `unknown` says the check could not tell. */
const isKnown = (verdict: TransportVerdict) => verdict !== 'unknown';

export function sqlVerdictChanges(db: SqlRunner): VerdictChanges {
  return {
    record: async (domain, to, at) => isKnown(to) && (await db.run(RECORD, [domain, to, at])) > 0,
    async last(domain) {
      const row = await db.one('SELECT * FROM verdict_changes WHERE domain = ?', [domain]);
      return (
        row && {
          domain,
          from: (row.from_verdict as TransportVerdict | null) ?? null,
          to: row.to_verdict as TransportVerdict,
          at: Number(row.changed_at),
        }
      );
    },
  };
}

/** The same in a map, for the memory store of unit tests. */
export function memoryVerdictChanges(): VerdictChanges {
  const changes = new Map<string, VerdictChange>();
  return {
    async record(domain, to, at) {
      const last = changes.get(domain);
      if (!isKnown(to) || last?.to === to) return false;
      changes.set(domain, { domain, from: last?.to ?? null, to, at });
      return true;
    },
    last: async (domain) => {
      const change = changes.get(domain);
      return change && { ...change };
    },
  };
}
