/**
 * The API's rate counters counted in memory and sent to the shared counters in batches: exact in one process,
 * within the documented slack over several nodes, one statement per key per send, never a hit lost to a failed send.
 */
import type { Schedule } from '../../../src/server/schedule';
import { batchedRateCounters, limitSlack } from '../../../src/server/store/batched-counters';
import { memoryRateCounters } from '../../../src/server/store/one-process';
import type { RateCounters } from '../../../src/server/store/store';
import { ManualClock } from '../../helpers/clock';

const MINUTE = 60_000;

/** Shared counters that record each call, and can be made to fail. */
function sharedCounters() {
  const inner = memoryRateCounters();
  const calls: Array<{ key: string; hits: number }> = [];
  let failing = false;
  const counters: RateCounters = {
    async hit(key, windowMs, now, hits = 1) {
      calls.push({ key, hits });
      if (failing) throw new Error('the database is away');
      return inner.hit(key, windowMs, now, hits);
    },
    deleteExpired: (now) => inner.deleteExpired(now),
  };
  return { counters, calls, fail: (on: boolean) => (failing = on) };
}

/** A timer that fires only when the test ticks it; `tick` waits for what the tasks started. */
function manualSchedule() {
  const tasks = new Set<() => void>();
  const schedule: Schedule = (task) => {
    tasks.add(task);
    return () => tasks.delete(task);
  };
  const tick = async () => {
    tasks.forEach((task) => task());
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { schedule, tick, tasks };
}

function node(counters: RateCounters, clock: ManualClock, schedule: Schedule, errors: unknown[] = []) {
  return batchedRateCounters(counters, { clock, schedule, onError: (error) => errors.push(error) });
}

test('one process counts exactly, sending a key once, then once per tick, then at a twentieth of the limit', async () => {
  const clock = new ManualClock();
  const { counters, calls } = sharedCounters();
  const { schedule, tick } = manualSchedule();
  const counted = node(counters, clock, schedule);
  const counts = [];
  for (let n = 0; n < 5; n++) counts.push((await counted.hit('k', MINUTE, clock.now(), 1000)).count);
  expect(counts).toEqual([1, 2, 3, 4, 5]);
  // The first hit waits for the shared count; the next four wait for the tick.
  expect(calls).toEqual([{ key: 'k', hits: 1 }]);
  await tick();
  await tick();
  expect(calls).toEqual([
    { key: 'k', hits: 1 },
    { key: 'k', hits: 4 },
  ]);
  for (let n = 0; n < 50; n++) await counted.hit('k', MINUTE, clock.now(), 1000);
  expect(calls.slice(2)).toEqual([{ key: 'k', hits: 50 }]);
  expect((await counted.hit('k', MINUTE, clock.now(), 1000)).count).toBe(56);
});

test('a limit of a few is exact in one process: the hit over it counts over it', async () => {
  const clock = new ManualClock();
  const { schedule } = manualSchedule();
  const counted = node(sharedCounters().counters, clock, schedule);
  const counts = [];
  for (let n = 0; n < 4; n++) counts.push((await counted.hit('k', MINUTE, clock.now(), 3)).count);
  expect(counts).toEqual([1, 2, 3, 4]);
});

test('a burst spread over three nodes passes the limit by no more than the slack, and then every node refuses', async () => {
  const clock = new ManualClock();
  const { counters } = sharedCounters();
  const { schedule, tick } = manualSchedule();
  const nodes = [0, 1, 2].map(() => node(counters, clock, schedule));
  const max = 200;
  let allowed = 0;
  const refusedAtEnd = [];
  for (let n = 0; n < 600; n++) {
    const { count } = await nodes[n % 3]!.hit('k', MINUTE, clock.now(), max);
    if (n < max) expect(count).toBeLessThanOrEqual(max);
    if (count <= max) allowed++;
    if (n >= 597) refusedAtEnd.push(count > max);
    // Ten requests every tick of the timer: a fast burst.
    if (n % 10 === 9) await tick();
  }
  expect(allowed).toBeGreaterThanOrEqual(max);
  expect(allowed).toBeLessThanOrEqual(max + limitSlack(max, 3));
  expect(refusedAtEnd).toEqual([true, true, true]);
});

test('hits a failed send could not add stay counted here and go with the next send', async () => {
  const clock = new ManualClock();
  const { counters, calls, fail } = sharedCounters();
  const { schedule, tick } = manualSchedule();
  const errors: unknown[] = [];
  const counted = node(counters, clock, schedule, errors);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  fail(true);
  await tick();
  expect(errors).toEqual([new Error('the database is away')]);
  expect((await counted.hit('k', MINUTE, clock.now(), 1000)).count).toBe(3);
  fail(false);
  await tick();
  expect(calls.map((call) => call.hits)).toEqual([1, 1, 2]);
  // Sent once more on the timer, though no hit came after the failure.
  fail(true);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  await tick();
  fail(false);
  await tick();
  expect(calls.map((call) => call.hits)).toEqual([1, 1, 2, 1, 1]);
  expect((await counters.hit('k', MINUTE, clock.now(), 0)).count).toBe(4);
});

test('a new window starts from the shared count; hits of an ended window are not sent into it', async () => {
  const clock = new ManualClock();
  const { counters, calls } = sharedCounters();
  const { schedule, tick } = manualSchedule();
  const counted = node(counters, clock, schedule);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  clock.advance(MINUTE);
  await tick();
  expect(calls).toHaveLength(1);
  expect(await counted.hit('k', MINUTE, clock.now(), 1000)).toEqual({
    count: 1,
    resetAt: clock.now() + MINUTE,
  });
  expect(calls).toHaveLength(2);
});

test('closing sends what is counted and stops the timer', async () => {
  const clock = new ManualClock();
  const { counters, calls } = sharedCounters();
  const { schedule, tasks } = manualSchedule();
  const counted = node(counters, clock, schedule);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  await counted.hit('k', MINUTE, clock.now(), 1000);
  await counted.close();
  expect(calls.map((call) => call.hits)).toEqual([1, 1]);
  expect(tasks.size).toBe(0);
});
