/**
 * Decision records in the running service (`createServer`, API tokens on, the real checks against the offline test
 * bed) on each database: after a send check (the recipients assessed through `POST /api/v1/assess`, then the
 * decision reported) no recipient address is anywhere in the database in clear while pseudonymisation is on (the
 * SQLite file and its write-ahead log read as bytes; PostgreSQL's whole dump), not in the decision records nor in
 * the key verdicts kept; the pseudonyms outlive a restart, and records older than `decisions.retentionDays` go with
 * the periodic purge, by the service's clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionReport } from '../../../src/core/decisions/record';
import type { AssessedRecipient } from '../../../src/core/wire';
import { issueApiToken } from '../../../src/server/auth/api-tokens';
import { parseConfig } from '../../../src/server/config/load';
import type { ConfigInput } from '../../../src/server/config/schema';
import type { Schedule } from '../../../src/server/schedule';
import { createServer, type Server } from '../../../src/server/serve';
import { openServiceStore } from '../../../src/server/store/open';
import { DATABASE_FILE } from '../../../src/server/store/sqlite';
import { ManualClock } from '../../helpers/clock';
import { startPostgres, type PostgresServer } from '../../helpers/postgres';
import { scratchDir } from '../../helpers/scratch';
import { bedServerSettings } from '../../helpers/bed-services';
import { testbed } from '../../helpers/testbed';
import { DAY } from './records';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await startPostgres();
}, 60_000);

/**
 * Recipients whose addresses are spelt nowhere else in the service's state, at bed domains that publish no key for
 * them (a mail-only domain; a WKD domain whose directory, DNS and key server answer not found), so nothing is pinned.
 */
const RECIPIENTS = ['Zelda.Quuxley@tls-valid.sendguard.test', 'yorick.vandermeer@wkd.sendguard.test'];
const SENDER = 'ana.sendwright@example.org';

/** The report of a send check; `assessed` are the assess answer's recipients when the check asked for them. */
function report(assessed?: AssessedRecipient[]): DecisionReport {
  return {
    host: 'outlook',
    classification: 'restricted',
    action: 'escrow',
    outcome: 'blocked',
    passcodeSet: false,
    recipients: RECIPIENTS.map((address, n) => ({
      address,
      internal: false,
      transport: assessed?.[n]?.transport?.verdict ?? 'none',
      key: assessed?.[n]?.key.verdict ?? 'none',
      protection: 'escrow' as const,
    })),
  };
}

interface Deployment {
  settings: ConfigInput;
  /** Everything the database holds, as text: the file's bytes, or the dump. */
  contents(): Promise<string>;
}

async function deployment(kind: 'sqlite' | 'postgres'): Promise<Deployment> {
  const dataDir = scratchDir('decisions-service');
  const base = bedServerSettings(testbed(), dataDir, { tls: { enabled: false }, auth: { apiTokens: true } });
  if (kind === 'sqlite') {
    return {
      settings: base,
      async contents() {
        const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`].map((name) => join(dataDir, name));
        return files
          .filter((file) => existsSync(file))
          .map((file) => readFileSync(file).toString('latin1'))
          .join('\n');
      },
    };
  }
  const url = await postgres.newDatabase();
  return {
    settings: { ...base, database: { url } },
    contents: async () => (await postgres.tool('pg_dump', [new URL(url).pathname.slice(1)])).stdout,
  };
}

/** The purge timer, fired by the test. */
function manualSchedule() {
  const tasks: Array<() => Promise<void>> = [];
  const schedule: Schedule = (run) => {
    tasks.push(run);
    return () => undefined;
  };
  /** One pass of every periodic task, awaited to its end. */
  const tick = async () => {
    await Promise.all(tasks.map((run) => run()));
  };
  return { schedule, tick };
}

/** The API tokens of a sender and an admin, as `Authorization` values. */
interface Tokens {
  sender: string;
  admin: string;
}

/** Reports as the sender; `classification` tells the records apart. */
async function reportAs(server: Server, tokens: Tokens, classification = 'restricted'): Promise<void> {
  const sent = await server.app.inject({
    method: 'POST',
    url: '/api/v1/decisions',
    headers: { authorization: tokens.sender },
    payload: { ...report(), classification },
  });
  expect(sent.statusCode).toBe(204);
}

/**
 * A send check as the add-in makes it: the recipients assessed (their key verdicts kept by the service), then the
 * decision reported from the answer.
 */
async function sendCheckAs(server: Server, tokens: Tokens): Promise<void> {
  const answer = await server.app.inject({
    method: 'POST',
    url: '/api/v1/assess',
    headers: { authorization: tokens.sender },
    payload: { recipients: RECIPIENTS },
  });
  expect(answer.statusCode).toBe(200);
  const assessed = (answer.json() as { recipients: AssessedRecipient[] }).recipients;
  // Found by no lookup, so nothing is pinned: the key verdict kept is all the service holds of each address.
  expect(assessed.map((r) => [r.address, r.key.verdict])).toEqual(
    RECIPIENTS.map((address) => [address, 'none']),
  );
  const sent = await server.app.inject({
    method: 'POST',
    url: '/api/v1/decisions',
    headers: { authorization: tokens.sender },
    payload: report(assessed),
  });
  expect(sent.statusCode).toBe(204);
}

/** Every record kept, oldest first, as the admin reads them. */
async function recordsOf(server: Server, tokens: Tokens) {
  const answer = await server.app.inject({
    url: '/api/v1/admin/decisions?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
    headers: { authorization: tokens.admin },
  });
  return answer.json().records;
}

describe.each(['sqlite', 'postgres'] as const)('on %s', (kind) => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Tokens issued through the store, as `sendguard token issue` does before the service starts. */
  async function issueTokens(settings: ConfigInput): Promise<Tokens> {
    const store = await openServiceStore(parseConfig(settings));
    try {
      const sender = await issueApiToken(store.tokens, {
        name: 'Ana',
        role: 'sender',
        owner: { address: SENDER },
      });
      const admin = await issueApiToken(store.tokens, { name: 'Admin', role: 'admin' });
      return { sender: `Bearer ${sender.token}`, admin: `Bearer ${admin.token}` };
    } finally {
      await store.close();
    }
  }

  test('no recipient address is in the database in clear, and pseudonyms outlive a restart', async () => {
    const { settings, contents } = await deployment(kind);
    const tokens = await issueTokens(settings);
    const config = parseConfig(settings);
    server = await createServer(config);
    await sendCheckAs(server, tokens);
    const [record] = await recordsOf(server, tokens);
    expect(record.pseudonymous).toBe(true);

    const held = (await contents()).toLowerCase();
    // The scan reads what was written: the domains are kept readable, so they are there, and so are both
    // recipients' key verdicts, sealed.
    expect(held).toContain('tls-valid.sendguard.test');
    expect(held).toContain(record.recipients[0].address);
    expect(held.split('{"sealed":"').length - 1).toBeGreaterThanOrEqual(RECIPIENTS.length);
    for (const address of RECIPIENTS.map((a) => a.toLowerCase())) {
      expect(held).not.toContain(address);
      expect(held).not.toContain(address.split('@')[0]);
    }
    // The sender's address is the token's owner, kept with the token; never with a record.
    const recordText = JSON.stringify(await recordsOf(server, tokens)).toLowerCase();
    expect(recordText).not.toContain(SENDER);
    expect(recordText).not.toContain('sendwright');

    await server.close();
    server = await createServer(config);
    await reportAs(server, tokens);
    const [first, second] = await recordsOf(server, tokens);
    expect(second.recipients.map((r: { address: string }) => r.address)).toEqual(
      first.recipients.map((r: { address: string }) => r.address),
    );
    expect(second.sender).toBe(first.sender);
  });

  test('the same scan finds the addresses when decisions.fullAddresses keeps them in clear', async () => {
    const { settings, contents } = await deployment(kind);
    const tokens = await issueTokens(settings);
    server = await createServer(parseConfig({ ...settings, decisions: { fullAddresses: true } }));
    await sendCheckAs(server, tokens);
    const held = (await contents()).toLowerCase();
    for (const address of RECIPIENTS) expect(held).toContain(address.toLowerCase());
  });

  test('records older than decisions.retentionDays go with the periodic purge', async () => {
    const { settings } = await deployment(kind);
    const tokens = await issueTokens(settings);
    const clock = new ManualClock();
    const { schedule, tick } = manualSchedule();
    const running = await createServer(parseConfig({ ...settings, decisions: { retentionDays: 30 } }), {
      clock,
      schedule,
    });
    server = running;
    const start = clock.now();
    /** The records kept, by the day they were made on (the service keeps only its own policy's classifications). */
    const kept = async () =>
      (await recordsOf(running, tokens)).map((r: { at: string }) => (Date.parse(r.at) - start) / DAY);

    await reportAs(running, tokens, 'first');
    clock.advance(10 * DAY);
    await reportAs(running, tokens, 'second');
    clock.advance(20 * DAY);
    await tick();
    // Thirty days old exactly: still within the retention.
    expect(await kept()).toEqual([0, 10]);
    clock.advance(1);
    await tick();
    expect(await kept()).toEqual([10]);
    clock.advance(10 * DAY);
    await tick();
    expect(await kept()).toEqual([]);
  });
});
