// What the Outlook benches need built and how they load the add-in's TypeScript: the pane, try-it and send-handler
// bundles (built here when missing; `npm run bench` builds everything first), and a TypeScript module of src/
// compiled on the fly as Node requires it (src/addin and src/outlook are bundled by webpack, not built to dist).
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist', 'web', 'outlook');

function buildIfMissing() {
  if (['taskpane.html', 'launchevent.js', 'tryit/index.html'].every((f) => existsSync(join(dist, f)))) return;
  execFileSync(
    join(root, 'node_modules', '.bin', 'webpack'),
    ['--config-name', 'outlook-pane', '--config-name', 'outlook-launchevent'],
    { cwd: root, stdio: 'inherit' },
  );
}

/** `src/<path>.ts`, with the TypeScript modules it imports, compiled by SWC as Node requires them. */
function requireTs(path) {
  const { transformFileSync } = require('@swc/core');
  Module._extensions['.ts'] = (m, file) => {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    m._compile(code, file);
  };
  return require(join(root, 'src', path));
}

module.exports = { dist, buildIfMissing, requireTs };
