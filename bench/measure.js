// Operations per second of a synchronous function, after a warm-up, over at least `ms` milliseconds.
function opsPerSecond(fn, ms = 1000) {
  for (let i = 0; i < 200; i++) fn();
  let count = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  const budget = BigInt(ms) * 1_000_000n;
  while (elapsed < budget) {
    for (let i = 0; i < 100; i++) fn();
    count += 100;
    elapsed = process.hrtime.bigint() - start;
  }
  return count / (Number(elapsed) / 1e9);
}

module.exports = { opsPerSecond };
