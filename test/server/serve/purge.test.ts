/**
 * The service purges expired key verdicts, transport reports, MTA-STS policies and mailbox-access reports on its timer, by its clock, and
 * stops when it is closed. The timer is one the test fires by hand; the store is the real SQLite one, read through
 * a second connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/server/config/load';
import { MAILBOX_STALE_WINDOW_MS } from '../../../src/server/mailbox/report';
import type { Schedule } from '../../../src/server/schedule';
import { createServer } from '../../../src/server/serve';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import type { TransportReport } from '../../../src/server/transport/report';
import { ManualClock } from '../../helpers/clock';
import { mailboxReport } from '../store/fixtures';

/** Every task the service schedules, each with its interval and whether it was cancelled. */
function manualSchedule() {
  const tasks: { run: () => void; everyMs: number; cancelled: boolean }[] = [];
  const schedule: Schedule = (run, everyMs) => {
    const task = { run, everyMs, cancelled: false };
    tasks.push(task);
    return () => void (task.cancelled = true);
  };
  return { schedule, tasks };
}

const verdict = (address: string) => ({ address, verdict: 'none' as const, reasons: ['no key published'] });
const report = (domain: string) =>
  ({
    domain,
    verdict: 'none',
    reasons: ['no MX offers STARTTLS'],
    checkedAt: new Date(0).toISOString(),
    incomplete: false,
    mx: [],
    mtaSts: { state: 'none', reason: 'the domain publishes no MTA-STS record' },
    tlsRpt: { state: 'none' },
    ttlSeconds: 3600,
  }) as unknown as TransportReport;
const stsEntry = (expiresAt: number) => ({
  policy: { version: 'STSv1' as const, mode: 'enforce' as const, maxAge: 1, mx: ['mx.example.org'] },
  id: '1',
  fetchedAt: expiresAt - 1000,
  expiresAt,
});

test('expired key verdicts, transport reports, MTA-STS policies and (past their stale window) mailbox-access reports are purged on the timer by the service clock, at the one purge interval; closing stops the timer', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sendguard-purge-'));
  const clock = new ManualClock();
  const { schedule, tasks } = manualSchedule();
  const config = parseConfig({
    dataDir,
    tls: { enabled: false },
    auth: { apiTokens: true },
    logLevel: 'silent',
    purgeIntervalMs: 5000,
  });
  const server = await createServer(config, { clock, schedule });
  const side = openSqliteStore(dataDir);
  try {
    await side.keyVerdicts.put('old@example.org', verdict('old@example.org'), clock.now() + 1000);
    await side.keyVerdicts.put('new@example.org', verdict('new@example.org'), clock.now() + 5000);
    await side.transportReports.put('old.example', report('old.example'), clock.now() + 1000);
    await side.transportReports.put('new.example', report('new.example'), clock.now() + 5000);
    // An MTA-STS policy is kept to the end of its max_age.
    await side.stsPolicies.put('old.example', stsEntry(clock.now() + 1000), clock.now() + 1000);
    await side.stsPolicies.put('new.example', stsEntry(clock.now() + 5000), clock.now() + 5000);
    // A mailbox-access report is kept a stale window past its expiry: answered while it is checked again.
    await side.mailboxReports.put('old.example', mailboxReport('old.example'), clock.now() + 1000);
    const kept = async () => ({
      keyVerdicts: (await side.keyVerdicts.get('old@example.org')) !== undefined,
      transportReports: (await side.transportReports.get('old.example')) !== undefined,
      stsPolicies: (await side.stsPolicies.get('old.example')) !== undefined,
    });
    // Secure pickup's purge gets its timer from the same schedule, at the same setting; running every task runs both.
    const tick = async () => {
      tasks.forEach((task) => task.run());
      await new Promise(setImmediate);
    };
    expect(tasks.map((task) => task.everyMs)).toEqual([5000, 5000]);

    await tick();
    expect(await kept()).toEqual({ keyVerdicts: true, transportReports: true, stsPolicies: true });

    clock.advance(2000);
    await tick();
    expect(await kept()).toEqual({ keyVerdicts: false, transportReports: false, stsPolicies: false });
    expect(await side.keyVerdicts.get('new@example.org')).toBeDefined();
    expect(await side.transportReports.get('new.example')).toBeDefined();
    expect(await side.stsPolicies.get('new.example')).toBeDefined();

    clock.advance(MAILBOX_STALE_WINDOW_MS - 1000);
    await tick();
    expect(await side.mailboxReports.get('old.example')).toBeDefined();
    clock.advance(1);
    await tick();
    expect(await side.mailboxReports.get('old.example')).toBeUndefined();
  } finally {
    await server.close();
    await side.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  expect(tasks.every((task) => task.cancelled)).toBe(true);
});
