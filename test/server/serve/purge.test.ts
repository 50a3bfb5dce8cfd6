/**
 * The service purges expired key verdicts on its timer, by its clock, and stops when it is closed. The timer is
 * one the test fires by hand; the store is the real SQLite one, read through a second connection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../../src/server/config/load';
import type { Schedule } from '../../../src/server/schedule';
import { createServer } from '../../../src/server/serve';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import { ManualClock } from '../../helpers/clock';

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

test('expired key verdicts are purged on the timer by the service clock, at the one purge interval; closing stops the timer', async () => {
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
    // Secure pickup's purge gets its timer from the same schedule, at the same setting; running every task runs both.
    const tick = async () => {
      tasks.forEach((task) => task.run());
      await new Promise(setImmediate);
    };
    expect(tasks.map((task) => task.everyMs)).toEqual([5000, 5000]);

    await tick();
    expect(await side.keyVerdicts.get('old@example.org')).toBeDefined();

    clock.advance(2000);
    await tick();
    expect(await side.keyVerdicts.get('old@example.org')).toBeUndefined();
    expect(await side.keyVerdicts.get('new@example.org')).toBeDefined();
  } finally {
    await server.close();
    await side.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  expect(tasks.every((task) => task.cancelled)).toBe(true);
});
