/**
 * Policy versions saved through the API, in SQL both databases speak (over a `SqlRunner`), and in memory for tests.
 * A save is announced (cache `policy`, key = the version's number): every node runs the newest version.
 */
import type { SqlRunner } from './sql-runner';
import type { PolicyVersionStore, SavedPolicy } from './store';

/** A row as either database returns it (PostgreSQL's INTEGER comes back a number, as SQLite's). */
interface PolicyVersionRow {
  seq: number;
  version: string;
  text: string;
  saved_by: string;
  saved_at: string;
  note: string | null;
}

function summaryOf(row: PolicyVersionRow): Omit<SavedPolicy, 'text'> {
  return {
    seq: Number(row.seq),
    version: row.version,
    savedBy: row.saved_by,
    savedAt: row.saved_at,
    ...(row.note !== null ? { note: row.note } : {}),
  };
}

const SUMMARY_COLUMNS = 'seq, version, saved_by, saved_at, note';

function savedOf(row: Record<string, unknown>): SavedPolicy {
  return { ...summaryOf(row as unknown as PolicyVersionRow), text: row.text as string };
}

export function sqlPolicyVersions(db: SqlRunner): PolicyVersionStore {
  return {
    async save(entry) {
      // The number is the key: of two nodes saving the same next number, the second inserts nothing.
      const written = await db.run(
        `INSERT INTO policy_versions (seq, version, text, saved_by, saved_at, note) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (seq) DO NOTHING`,
        [entry.seq, entry.version, entry.text, entry.savedBy, entry.savedAt, entry.note ?? null],
        { cache: 'policy', key: String(entry.seq) },
      );
      return written > 0;
    },
    async latest() {
      const row = await db.one(
        `SELECT ${SUMMARY_COLUMNS}, text FROM policy_versions ORDER BY seq DESC LIMIT 1`,
        [],
      );
      return row && savedOf(row);
    },
    async get(seq) {
      const row = await db.one(`SELECT ${SUMMARY_COLUMNS}, text FROM policy_versions WHERE seq = ?`, [seq]);
      return row && savedOf(row);
    },
    async history(limit) {
      const rows = await db.all(`SELECT ${SUMMARY_COLUMNS} FROM policy_versions ORDER BY seq DESC LIMIT ?`, [
        limit,
      ]);
      return rows.map((row) => summaryOf(row as unknown as PolicyVersionRow));
    },
  };
}

/** The same in memory, for the store that tests build apps on. */
export function memoryPolicyVersions(): PolicyVersionStore {
  const versions: SavedPolicy[] = [];
  return {
    async save(entry) {
      if (versions.some((saved) => saved.seq === entry.seq)) return false;
      versions.push(structuredClone(entry));
      versions.sort((a, b) => a.seq - b.seq);
      return true;
    },
    latest: async () => {
      const newest = versions.at(-1);
      return newest && structuredClone(newest);
    },
    get: async (seq) => {
      const found = versions.find((saved) => saved.seq === seq);
      return found && structuredClone(found);
    },
    history: async (limit) =>
      versions
        .slice(-limit)
        .reverse()
        .map(({ text: _text, ...summary }) => structuredClone(summary)),
  };
}
