// Runs every bench/*.bench.js in turn. Each prints its figures as ratios against a reference measured in the
// same run, so the numbers compare across machines; nothing here asserts a time.
const { readdirSync } = require('node:fs');
const { join } = require('node:path');
const { execFileSync } = require('node:child_process');

const only = process.argv[2];
for (const file of readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file}`);
  execFileSync(process.execPath, ['--expose-gc', join(__dirname, file)], { stdio: 'inherit' });
}
