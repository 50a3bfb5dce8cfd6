/**
 * One contract for the decision records of every store: SQLite, PostgreSQL, and the memory store of unit tests
 * (which keeps them in an in-memory SQLite database). Figures are checked against the same records counted one by
 * one in ./records.ts.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import type { DecisionOutcome } from '../../../src/core/decisions/record';
import { TRANSPORT_VERDICTS } from '../../../src/core/vocabulary';
import { DECISION_ID, type DecisionStore } from '../../../src/server/store/decision-store';
import { openMemoryStore } from '../../../src/server/store/memory';
import { openPostgresStore } from '../../../src/server/store/postgres/open';
import { DATABASE_FILE, openSqliteStore } from '../../../src/server/store/sqlite';
import type { Store } from '../../../src/server/store/store';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { scratchDir } from '../../helpers/scratch';
import {
  DAY,
  expectedDays,
  expectedKeyCoverage,
  expectedTopDomains,
  expectedTransportShare,
  record,
  recipient,
} from './records';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

interface Opened {
  store: Store;
  /** How many recipient rows the database holds, whatever record they belong to (not asked of the memory store). */
  recipientRows?(): Promise<number>;
}

async function open(kind: 'memory' | 'sqlite' | 'postgres'): Promise<Opened> {
  if (kind === 'memory') return { store: openMemoryStore() };
  if (kind === 'sqlite') {
    const dir = scratchDir('decisions');
    return {
      store: openSqliteStore(dir),
      async recipientRows() {
        const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
        try {
          return (db.prepare('SELECT COUNT(*) AS n FROM decision_recipients').get() as { n: number }).n;
        } finally {
          db.close();
        }
      },
    };
  }
  const url = await server.newDatabase();
  return {
    store: await openPostgresStore(url),
    async recipientRows() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return Number((await client.query('SELECT COUNT(*) AS n FROM decision_recipients')).rows[0].n);
      } finally {
        await client.end();
      }
    },
  };
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const ALL = { from: 0, to: Date.parse('2100-01-01T00:00:00Z') };

const byVerdict = <T extends { verdict: string }>(list: T[]) =>
  [...list].sort(
    (a, b) => TRANSPORT_VERDICTS.indexOf(a.verdict as never) - TRANSPORT_VERDICTS.indexOf(b.verdict as never),
  );

describe.each(['memory', 'sqlite', 'postgres'] as const)('%s decision records', (kind) => {
  let opened: Opened;
  let decisions: DecisionStore;
  beforeEach(async () => {
    opened = await open(kind);
    decisions = opened.store.decisions;
  });
  afterEach(() => opened.store.close());

  test('a record comes back as it was kept, every fact of every recipient in order, under a new id', async () => {
    const kept = record(T0, [
      recipient('ana@example.org', 'internal', { key: 'valid', keySource: 'org' }),
      recipient('bo@partner.example', 'pgp', {
        transport: 'authenticated',
        key: 'valid',
        keySource: 'wkd',
        signIn: 'entra',
      }),
      recipient('cy@far.example', 'blocked', { transport: 'none', key: 'unknown' }),
    ]);
    const stored = await decisions.insert({ ...kept, passcodeSet: true, pseudonymous: true });
    expect(stored.id).toMatch(DECISION_ID);
    const { records, next } = await decisions.list(ALL, 10);
    expect(next).toBeUndefined();
    expect(records).toEqual([{ ...kept, passcodeSet: true, pseudonymous: true, id: stored.id }]);
    expect(records[0]!.recipients[0]).not.toHaveProperty('transport');
    expect(records[0]!.recipients[2]).not.toHaveProperty('keySource');
  });

  test('a record without recipients is kept too (the routes never make one, the store takes any)', async () => {
    const stored = await decisions.insert(record(T0, []));
    expect((await decisions.list(ALL, 10)).records).toEqual([stored]);
  });

  test('records are listed oldest first within the range, a page at a time, resuming after an id', async () => {
    // Inserted out of order: the list orders by time, not by insertion.
    const times = [3, 0, 4, 1, 2, 5].map((n) => T0 + n * 60_000);
    for (const at of times) await decisions.insert(record(at, [recipient('x@a.example', 'tls')]));
    const range = { from: T0 + 60_000, to: T0 + 5 * 60_000 };
    const first = await decisions.list(range, 3);
    expect(first.records.map((r) => r.at)).toEqual(
      [1, 2, 3].map((n) => new Date(T0 + n * 60_000).toISOString()),
    );
    expect(first.next).toBe(first.records[2]!.id);
    // The range ends before minute 5: the last page, without a next.
    const second = await decisions.list(range, 3, first.next);
    expect(second.records.map((r) => Date.parse(r.at))).toEqual([T0 + 4 * 60_000]);
    expect(second.next).toBeUndefined();
    // Exactly a page left: no next either.
    expect((await decisions.list(range, 4)).next).toBeUndefined();
  });

  test('records made within one millisecond each come once across pages', async () => {
    for (let n = 0; n < 7; n += 1) {
      await decisions.insert(record(T0, [recipient(`r${n}@a.example`, 'tls')]));
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await decisions.list(ALL, 3, after);
      seen.push(...page.records.map((r) => r.recipients[0]!.address));
      after = page.next;
    } while (after);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => `r${n}@a.example`));
  });

  test("the overview's figures are those counted record by record", async () => {
    const kept = [
      record(T0 - 2 * DAY, [recipient('old@gone.example', 'blocked')]),
      record(T0, [
        recipient('ana@example.org', 'internal'),
        recipient('bo@partner.example', 'escrow', { key: 'none', transport: 'none' }),
        recipient('cy@partner.example', 'escrow', { transport: 'none' }),
      ]),
      record(T0 + 1000, [
        recipient('bo@partner.example', 'pgp', { key: 'valid', transport: 'partial' }),
        recipient('di@third.example', 'blocked', { transport: 'no-mail' }),
      ]),
      record(T0 + DAY, [
        recipient('ed@fourth.example', 'tls', { transport: 'authenticated', key: 'valid' }),
        recipient('ed@fourth.example', 'tls', { transport: 'authenticated', key: 'invalid' }),
        recipient('fy@fifth.example', 'none', { transport: 'weak' }),
        recipient('gu@third.example', 'escrow', { transport: 'none' }),
        recipient('ha@third.example', 'escrow', { transport: 'none' }),
      ]),
      record(T0 + DAY + 5, [recipient('ida@example.org', 'internal')], {
        action: 'send',
        outcome: 'allowed',
      }),
      record(
        T0 + DAY + 6,
        [recipient('ida@example.org', 'internal'), recipient('jo@fifth.example', 'escrow')],
        {
          outcome: 'prompted',
        },
      ),
      record(T0 + DAY + 7, [recipient('jo@fifth.example', 'escrow')], { outcome: 'blocked' }),
      record(T0 + DAY + 8, [recipient('jo@fifth.example', 'pgp')], { outcome: 'overridden' }),
    ];
    for (const each of kept) await decisions.insert(each);
    const range = { from: T0 - DAY, to: T0 + 2 * DAY };
    const figures = await decisions.figures(range, 10);
    expect(figures.days).toEqual(expectedDays(kept, range.from, range.to));
    expect(figures.topDomains).toEqual(expectedTopDomains(kept, range.from, range.to, 10));
    expect(byVerdict(figures.transportShare)).toEqual(expectedTransportShare(kept, range.from, range.to));
    expect(figures.keyCoverage).toEqual(expectedKeyCoverage(kept, range.from, range.to));
    // The figures are not empty by accident: the record two days back is outside, the rest inside.
    expect(figures.keyCoverage).toEqual({ withKey: 1, total: 8 });
    expect(figures.topDomains.map((d) => d.domain)).toEqual([
      'third.example',
      'fifth.example',
      'partner.example',
    ]);
    expect((await decisions.figures(range, 1)).topDomains).toHaveLength(1);
  });

  test('a stopped message counts as blocked for every recipient, whatever the plan; one sent anyway as unprotected', async () => {
    const escrowFor = (outcome: DecisionOutcome) =>
      record(T0, [recipient('ana@example.org', 'internal'), recipient('bo@partner.example', 'escrow')], {
        outcome,
      });
    // Stopped (or offered to send anyway, answer unknown), applied in the pane, sent again: one pickup, not two.
    for (const outcome of ['blocked', 'prompted', 'protected', 'overridden'] as const) {
      await decisions.insert(escrowFor(outcome));
    }
    const { days, topDomains } = await decisions.figures(ALL, 10);
    expect(days).toEqual([
      expect.objectContaining({ messages: 4, blocked: 4, escrow: 1, none: 1, internal: 2 }),
    ]);
    expect(topDomains).toEqual([{ domain: 'partner.example', blocked: 2, escrow: 1, recipients: 4 }]);
  });

  test('no records: no days, no domains, nothing covered', async () => {
    expect(await decisions.figures(ALL, 10)).toEqual({
      days: [],
      topDomains: [],
      transportShare: [],
      keyCoverage: { withKey: 0, total: 0 },
    });
  });

  test('deleteOlderThan removes the records made before the cutoff, with their recipients', async () => {
    await decisions.insert(
      record(T0 - 1, [recipient('a@x.example', 'tls'), recipient('b@x.example', 'tls')]),
    );
    await decisions.insert(record(T0, [recipient('c@x.example', 'escrow')]));
    expect(await decisions.deleteOlderThan(T0)).toBe(1);
    expect(await decisions.deleteOlderThan(T0)).toBe(0);
    const { records } = await decisions.list(ALL, 10);
    expect(records.map((r) => r.recipients.map((x) => x.address))).toEqual([['c@x.example']]);
    if (opened.recipientRows) expect(await opened.recipientRows()).toBe(1);
  });
});
