#!/usr/bin/env node
// The command runs the compiled TypeScript; `npm ci` compiles it (the package's `prepare` script).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(
    'sendguard: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n',
  );
  process.exit(70);
}
const { main, processIo } = require(entry);
main(process.argv.slice(2), processIo).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`sendguard: unexpected failure: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
