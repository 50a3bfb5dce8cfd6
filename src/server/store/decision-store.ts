/**
 * Decision records (server/decisions): what each send check decided, kept for the admin's overview and the policy
 * preview, and purged after `decisions.retentionDays`. The records and their figures are read in SQL both
 * databases speak; each database writes a record and its recipients in one transaction of its own.
 *
 * A record's id begins with its time in hexadecimal, then random digits: id order is time order, so a page of
 * records resumes after an id, and the recipients of a page are those whose record id lies between its first and
 * last.
 */
import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  STOPPED_OUTCOMES,
  type DecisionRecord,
  type DecisionRecordRecipient,
  type DecisionHost,
  type DecisionOutcome,
} from '../../core/decisions/record';
import type { DomainExposure, TransportShare } from '../../core/decisions/overview';
import {
  PROTECTIONS,
  type KeySource,
  type KeyVerdict,
  type MessageAction,
  type Protection,
  type TransportVerdict,
} from '../../core/vocabulary';
import { DECISION_LIMITS } from '../../core/decisions/limits';
import { MIGRATIONS, migrate } from './migrations';
import { inTransaction } from './postgres/connection';
import { sqliteRunner, type Row, type SqlRunner } from './sql-runner';

/** Milliseconds since the epoch: from inclusive, to exclusive. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface DecisionPage {
  records: DecisionRecord[];
  /** The id to resume after, when there may be more. */
  next?: string;
}

/** The overview's figures as the database counts them; `DAY_MS`-long days since the epoch, only those with records. */
export interface DecisionFigures {
  days: Array<{ day: number; messages: number } & Record<Protection, number>>;
  topDomains: DomainExposure[];
  /** Only the verdicts some domain has. */
  transportShare: TransportShare[];
  keyCoverage: { withKey: number; total: number };
}

export interface DecisionStore {
  /** Keeps `record` under a new id that sorts by its time; returns it with that id. */
  insert(record: Omit<DecisionRecord, 'id'>): Promise<DecisionRecord>;
  /**
   * The records in `range`, oldest first, those after the record `after` only: at most `limit`, and no more than
   * fit within `DECISION_LIMITS.listRecipientsMax` recipients (one record at least).
   */
  list(range: TimeRange, limit: number, after?: string): Promise<DecisionPage>;
  /** The overview's figures over the records in `range`, with the `topDomains` most exposed domains. */
  figures(range: TimeRange, topDomains: number): Promise<DecisionFigures>;
  /** Deletes the records made before `before`; returns how many. */
  deleteOlderThan(before: number): Promise<number>;
}

export const DAY_MS = 86_400_000;

/** Writes a record and its recipients together, as each database does it. */
type DecisionWriter = (record: DecisionRecord) => Promise<void>;

/** Twelve hexadecimal digits hold milliseconds until the year 10889. */
const TIME_DIGITS = 12;
export const DECISION_ID = /^[0-9a-f]{28}$/;

function decisionId(at: number, random: Buffer = randomBytes(8)): string {
  return at.toString(16).padStart(TIME_DIGITS, '0') + random.toString('hex');
}

const RECORD_COLUMNS =
  'id, at, policy_version, host, sender, pseudonymous, classification, action, outcome, passcode_set';
const RECIPIENT_COLUMNS =
  'record_id, position, address, domain, internal, transport, key_verdict, key_source, sign_in, protection';

function recordValues(record: DecisionRecord): unknown[] {
  return [
    record.id,
    Date.parse(record.at),
    record.policyVersion,
    record.host,
    record.sender,
    record.pseudonymous,
    record.classification,
    record.action,
    record.outcome,
    record.passcodeSet,
  ];
}

/** One row per recipient, in `RECIPIENT_COLUMNS` order; absent facts are NULL. */
function recipientValues(record: DecisionRecord): unknown[][] {
  return record.recipients.map((r, position) => [
    record.id,
    position,
    r.address,
    r.domain,
    r.internal,
    r.transport ?? null,
    r.key,
    r.keySource ?? null,
    r.signIn ?? null,
    r.protection,
  ]);
}

/** SQLite binds no booleans: 1 and 0, as its columns hold them. */
const sqliteValue = (value: unknown) => (typeof value === 'boolean' ? Number(value) : value);

export function sqliteDecisionWriter(db: Database.Database): DecisionWriter {
  const insertRecord = db.prepare(`INSERT INTO decision_records (${RECORD_COLUMNS}) VALUES (${marks(10)})`);
  const insertRecipient = db.prepare(
    `INSERT INTO decision_recipients (${RECIPIENT_COLUMNS}) VALUES (${marks(10)})`,
  );
  const write = db.transaction((record: DecisionRecord) => {
    insertRecord.run(...recordValues(record).map(sqliteValue));
    for (const values of recipientValues(record)) insertRecipient.run(...values.map(sqliteValue));
  });
  return async (record) => write(record);
}

/** The recipients go in one statement, each column as an array (`unnest`), however many there are. */
const POSTGRES_RECIPIENTS = `INSERT INTO decision_recipients (${RECIPIENT_COLUMNS})
  SELECT $1::text, * FROM unnest($2::int[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::text[])`;

export function postgresDecisionWriter(pool: pg.Pool): DecisionWriter {
  return (record) =>
    inTransaction(pool, async (client) => {
      await client.query(
        `INSERT INTO decision_records (${RECORD_COLUMNS}) VALUES (${numbered(10)})`,
        recordValues(record),
      );
      const rows = recipientValues(record);
      if (rows.length === 0) return;
      const columns = rows[0]!.map((_, column) => rows.map((row) => row[column]));
      await client.query(POSTGRES_RECIPIENTS, [record.id, ...columns.slice(1)]);
    });
}

function marks(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

function numbered(count: number): string {
  return Array.from({ length: count }, (_, n) => `$${n + 1}`).join(', ');
}

function recipientOf(row: Row): DecisionRecordRecipient {
  return {
    address: row.address as string,
    domain: row.domain as string,
    internal: Boolean(row.internal),
    ...(row.transport === null ? {} : { transport: row.transport as TransportVerdict }),
    key: row.key_verdict as KeyVerdict,
    ...(row.key_source === null ? {} : { keySource: row.key_source as KeySource }),
    ...(row.sign_in === null ? {} : { signIn: row.sign_in as string }),
    protection: row.protection as Protection,
  };
}

function recordOf(row: Row, recipients: DecisionRecordRecipient[]): DecisionRecord {
  return {
    id: row.id as string,
    at: new Date(Number(row.at)).toISOString(),
    policyVersion: row.policy_version as string,
    host: row.host as DecisionHost,
    sender: row.sender as string,
    pseudonymous: Boolean(row.pseudonymous),
    classification: row.classification as string,
    action: row.action as MessageAction,
    outcome: row.outcome as DecisionOutcome,
    passcodeSet: Boolean(row.passcode_set),
    recipients,
  };
}

/** The recipients of the records in a range, with their record's time. */
const IN_RANGE = `decision_recipients p JOIN decision_records d ON d.id = p.record_id WHERE d.at >= ? AND d.at < ?`;

/**
 * The protection a recipient is counted under: the one planned only when the message left as the check let it. A
 * stopped message's recipients are all blocked, whatever the plan wanted (a message stopped, protected in the pane
 * and sent again is then counted once under its protection); a message sent anyway past a refusal left without
 * the protection planned. (The words are the vocabulary's, never input.)
 */
const COUNTED_PROTECTION = `CASE
    WHEN d.outcome IN (${STOPPED_OUTCOMES.map((o) => `'${o}'`).join(', ')}) THEN 'blocked'
    WHEN d.outcome = 'overridden' AND NOT p.internal THEN 'none'
    ELSE p.protection END`;

/** Recipients per protection, one column each (the words are the vocabulary's, never input). */
const PER_PROTECTION = PROTECTIONS.map(
  (protection) => `SUM(CASE WHEN protection = '${protection}' THEN 1 ELSE 0 END) AS ${protection}`,
).join(', ');

const DAYS = `
  SELECT day, COUNT(DISTINCT id) AS messages, ${PER_PROTECTION}
  FROM (SELECT d.id, d.at / ${DAY_MS} AS day, ${COUNTED_PROTECTION} AS protection FROM ${IN_RANGE}) x
  GROUP BY day ORDER BY day`;

const TOP_DOMAINS = `
  SELECT * FROM (
    SELECT domain, SUM(CASE WHEN protection = 'blocked' THEN 1 ELSE 0 END) AS blocked,
      SUM(CASE WHEN protection = 'escrow' THEN 1 ELSE 0 END) AS escrow, COUNT(*) AS recipients
    FROM (SELECT p.domain, ${COUNTED_PROTECTION} AS protection FROM ${IN_RANGE} AND NOT p.internal) c
    GROUP BY domain) g
  WHERE g.blocked + g.escrow > 0
  ORDER BY g.blocked + g.escrow DESC, g.recipients DESC, g.domain LIMIT ?`;

/** Each external domain's, or address's, latest recorded row: the newest record, its last mention. */
const latest = (partition: string, where: string) => `
  SELECT p.*, ROW_NUMBER() OVER (PARTITION BY p.${partition} ORDER BY p.record_id DESC, p.position DESC) AS n
  FROM ${IN_RANGE} AND NOT p.internal ${where}`;

const TRANSPORT_SHARE = `
  SELECT transport AS verdict, COUNT(*) AS domains FROM (${latest('domain', 'AND p.transport IS NOT NULL')}) l
  WHERE n = 1 GROUP BY transport`;

const KEY_COVERAGE = `
  SELECT COUNT(*) AS total, SUM(CASE WHEN key_verdict = 'valid' THEN 1 ELSE 0 END) AS with_key
  FROM (${latest('address', '')}) l WHERE n = 1`;

/** PostgreSQL counts in BIGINT, which its driver hands over as text; SQLite's SUM over no rows is NULL. */
const count = (value: unknown): number => Number(value ?? 0);

/** The first rows whose recipients (`recipient_count`) fit within the page's bound; the first row always. */
function withinRecipients(rows: Row[]): Row[] {
  let recipients = 0;
  const fit = rows.findIndex((row, n) => {
    recipients += count(row.recipient_count);
    return n > 0 && recipients > DECISION_LIMITS.listRecipientsMax;
  });
  return fit === -1 ? rows : rows.slice(0, fit);
}

export function sqlDecisions(db: SqlRunner, write: DecisionWriter): DecisionStore {
  return {
    async insert(record) {
      const stored: DecisionRecord = { ...record, id: decisionId(Date.parse(record.at)) };
      await write(stored);
      return stored;
    },
    async list({ from, to }, limit, after = '') {
      const rows = await db.all(
        `SELECT d.*, (SELECT COUNT(*) FROM decision_recipients p WHERE p.record_id = d.id) AS recipient_count
         FROM decision_records d WHERE d.at >= ? AND d.at < ? AND d.id > ? ORDER BY d.id LIMIT ?`,
        [from, to, after, limit + 1],
      );
      const page = withinRecipients(rows.slice(0, limit));
      if (page.length === 0) return { records: [] };
      const recipients = await db.all(
        `SELECT * FROM decision_recipients WHERE record_id >= ? AND record_id <= ? ORDER BY record_id, position`,
        [page[0]!.id, page.at(-1)!.id],
      );
      const byRecord = new Map<string, DecisionRecordRecipient[]>(page.map((row) => [row.id as string, []]));
      for (const row of recipients) byRecord.get(row.record_id as string)?.push(recipientOf(row));
      const records = page.map((row) => recordOf(row, byRecord.get(row.id as string)!));
      return rows.length > page.length ? { records, next: records.at(-1)!.id } : { records };
    },
    async figures({ from, to }, topDomains) {
      const [days, domains, share, coverage] = await Promise.all([
        db.all(DAYS, [from, to]),
        db.all(TOP_DOMAINS, [from, to, topDomains]),
        db.all(TRANSPORT_SHARE, [from, to]),
        db.one(KEY_COVERAGE, [from, to]),
      ]);
      return {
        days: days.map((row) => ({
          day: count(row.day),
          messages: count(row.messages),
          ...(Object.fromEntries(PROTECTIONS.map((p) => [p, count(row[p])])) as Record<Protection, number>),
        })),
        topDomains: domains.map((row) => ({
          domain: row.domain as string,
          blocked: count(row.blocked),
          escrow: count(row.escrow),
          recipients: count(row.recipients),
        })),
        transportShare: share.map((row) => ({
          verdict: row.verdict as TransportVerdict,
          domains: count(row.domains),
        })),
        keyCoverage: { withKey: count(coverage?.with_key), total: count(coverage?.total) },
      };
    },
    deleteOlderThan: (before) => db.run('DELETE FROM decision_records WHERE at < ?', [before]),
  };
}

/** Decision records in a private in-memory SQLite database: the memory store's, for unit tests. */
export function memoryDecisions(db: Database.Database): DecisionStore {
  // Off by default in SQLite: a record's recipients go with it only with this on.
  db.pragma('foreign_keys = ON');
  migrate(db, MIGRATIONS);
  return sqlDecisions(sqliteRunner(db), sqliteDecisionWriter(db));
}
