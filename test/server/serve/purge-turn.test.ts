/**
 * The periodic purges take their turn through the store's one-node work (`exclusive`): on a shared database a
 * node whose turn it is not leaves expired rows and messages to the one purging. Here the turn is the test's to
 * give; the store is the real SQLite one.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESCROW_PURGE } from '../../../src/server/escrow/plugin';
import { EXPIRED_ROWS_PURGE, purgeExpiredPeriodically } from '../../../src/server/store/purge-expired';
import { openSqliteStore } from '../../../src/server/store/sqlite';
import type { Exclusive } from '../../../src/server/store/store';
import { escrowSample, recordingMailer, startEscrowServer } from '../../escrow/harness';
import { ManualClock } from '../../helpers/clock';
import { scratchDir, stopAtFileEnd } from '../../helpers/scratch';

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** A decision record made at `at`, older than the purge's retention once the clock has moved on. */
function decision(at: number) {
  const recipient = { address: 'bo@partner.example', domain: 'partner.example', internal: false };
  return {
    at: new Date(at).toISOString(),
    policyVersion: 'v1',
    host: 'outlook' as const,
    sender: 'ana@example.org',
    pseudonymous: false,
    classification: 'internal',
    action: 'tag' as const,
    outcome: 'tagged' as const,
    passcodeSet: false,
    recipients: [
      { ...recipient, transport: 'encrypted' as const, key: 'none' as const, protection: 'tls' as const },
    ],
  };
}

/** One-node work that runs only while `turn.ours`, recording what was asked for. */
function turns() {
  const asked: string[] = [];
  const turn = { ours: false };
  const exclusive: Exclusive = {
    run: async (name, task) => {
      asked.push(name);
      return turn.ours ? task() : undefined;
    },
  };
  return { asked, turn, exclusive };
}

test("secure pickup's purge shreds expired messages only on its turn", async () => {
  const dataDir = scratchDir('purge-turn');
  const store = openSqliteStore(dataDir);
  stopAtFileEnd(() => store.close());
  const { asked, turn, exclusive } = turns();
  const server = await startEscrowServer({
    mailer: recordingMailer(),
    dataDir,
    store: { ...store, exclusive },
  });
  const sent = await escrowSample(server);
  server.clock.advance(2 * 86_400_000);

  await server.purge();
  expect(asked).toEqual([ESCROW_PURGE]);
  expect(readdirSync(join(dataDir, 'escrow-blobs'))).toEqual([sent.id]);
  expect((await store.escrow.getMessage(sent.id))?.sealedServerSecret).toBeInstanceOf(Uint8Array);

  turn.ours = true;
  await server.purge();
  expect(asked).toEqual([ESCROW_PURGE, ESCROW_PURGE]);
  expect(readdirSync(join(dataDir, 'escrow-blobs'))).toEqual([]);
  expect((await store.escrow.getMessage(sent.id))?.sealedServerSecret).toBeNull();
});

test('the purge of expired cache entries, rate windows and old decision records deletes only on its turn', async () => {
  const store = openSqliteStore(scratchDir('purge-turn'));
  stopAtFileEnd(() => store.close());
  const clock = new ManualClock();
  const verdict = { address: 'old@example.org', verdict: 'none' as const, reasons: ['no key published'] };
  await store.keyVerdicts.put(verdict.address, verdict, clock.now() + 1000);
  await store.decisions.insert(decision(clock.now()));
  clock.advance(2000);
  const { asked, turn, exclusive } = turns();
  const passes: Array<() => Promise<void>> = [];
  const failures: unknown[] = [];
  const stop = purgeExpiredPeriodically(
    { ...store, exclusive },
    {
      clock,
      schedule: (task) => {
        passes.push(task);
        return () => undefined;
      },
      everyMs: 1000,
      decisionsRetentionMs: 1500,
      onError: (error) => failures.push(error),
    },
  );
  /** One pass of each scheduled task, awaited to its end. */
  const pass = () => Promise.all(passes.map((task) => task()));

  await pass();
  expect(asked).toEqual([EXPIRED_ROWS_PURGE]);
  expect(await store.keyVerdicts.get(verdict.address)).toBeDefined();
  expect((await store.decisions.list(ALL_TIME, 10)).records).toHaveLength(1);

  turn.ours = true;
  await pass();
  expect(await store.keyVerdicts.get(verdict.address)).toBeUndefined();
  expect((await store.decisions.list(ALL_TIME, 10)).records).toEqual([]);
  expect(failures).toEqual([]);
  stop();
});
