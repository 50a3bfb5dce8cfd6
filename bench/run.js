// Runs every bench/*.bench.js in turn (or those whose name contains the first argument). Each prints its figures
// as ratios against a reference measured in the same run, so the numbers compare across machines; nothing here
// asserts a time. A bench that fails does not stop the others; the run then exits 1. BENCH_QUICK=1 reaches each
// bench through the environment (bench/measure.js).
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const only = process.argv[2];
const failed = [];
for (const file of readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file}`);
  const { status } = spawnSync(process.execPath, ['--expose-gc', join(__dirname, file)], {
    stdio: 'inherit',
  });
  if (status !== 0) failed.push(file);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
