// Timing helpers shared by the benches, and their quick mode: with BENCH_QUICK=1 every bench still runs every
// step, over a tenth of its usual time and with fewer repetitions and smaller inputs (test/bench.test.ts runs
// them so, to catch a bench that no longer runs; quick figures are not to be compared with anything).
const quick = process.env.BENCH_QUICK === '1';

/** `full` in a normal run, `short` in quick mode: a duration, a count, a size. */
function byMode(full, short) {
  return quick ? short : full;
}

/** A measurement's duration in milliseconds: `ms` in a normal run, a tenth of it in quick mode. */
function measuringMs(ms) {
  return byMode(ms, ms / 10);
}

const WARM_UP_CALLS = byMode(200, 20);
/** Calls between two reads of the clock, so that reading it costs little against the calls. */
const BATCH = 100;

/** A countdown of `ms` milliseconds (scaled in quick mode), and the rate of calls counted while it ran. */
function countdown(ms) {
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(measuringMs(ms) * 1e6));
  let elapsed = 0n;
  return {
    running() {
      elapsed = process.hrtime.bigint() - start;
      return elapsed < budget;
    },
    rate: (calls) => calls / (Number(elapsed) / 1e9),
  };
}

/** Calls per second of a synchronous function, after a warm-up, over at least `ms` milliseconds. */
function opsPerSecond(fn, ms = 1000) {
  for (let i = 0; i < WARM_UP_CALLS; i++) fn();
  const clock = countdown(ms);
  let calls = 0;
  while (clock.running()) {
    for (let i = 0; i < BATCH; i++) fn();
    calls += BATCH;
  }
  return clock.rate(calls);
}

/**
 * Calls per second of an asynchronous function, each awaited before the next starts (one caller waiting for each
 * answer, as the send path does), after a warm-up, over at least `ms` milliseconds.
 */
async function asyncOpsPerSecond(fn, ms = 1000) {
  for (let i = 0; i < WARM_UP_CALLS; i++) await fn();
  const clock = countdown(ms);
  let calls = 0;
  while (clock.running()) {
    for (let i = 0; i < BATCH; i++) await fn();
    calls += BATCH;
  }
  return clock.rate(calls);
}

module.exports = { quick, byMode, measuringMs, opsPerSecond, asyncOpsPerSecond };
