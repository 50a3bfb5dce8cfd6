#!/usr/bin/env node
// The command runs the compiled TypeScript; `npm ci` compiles it (the package's `prepare` script). Where the
// bundles of src/cli/webpack.part.js are at least as new as the compiled files they hold, it runs them instead:
// Node then reads and compiles a file or two rather than some eighty, which is most of what a short command costs.
// With SENDGUARD_REQUIRE_BUNDLES=1 (the benches set it) it refuses to fall back to the compiled tree.
const {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} = require('node:fs');
const Module = require('node:module');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist', 'cli');
const compiled = join(dist, 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write(
    'sendguard: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n',
  );
  process.exit(70);
}

/**
 * The main bundle, unless a bundle is missing or older than one of the compiled files it holds a copy of (listed
 * at build time in bundles.json): a `tsc` run since, whole or incremental, has made the compiled tree the newer
 * code. Some fifty stats: about 0.7 ms more than comparing two files (best of ten starts, two busy cores).
 */
function currentBundle() {
  try {
    const { bundles, builtFrom } = JSON.parse(readFileSync(join(dist, 'bundles.json'), 'utf8'));
    const built = Math.min(...bundles.map((name) => statSync(join(dist, name)).mtimeMs));
    return builtFrom.every((file) => statSync(join(dist, file)).mtimeMs <= built)
      ? join(dist, 'main.bundle.js')
      : undefined;
  } catch {
    // No manifest (a build from before it, or none), or a file it names is gone.
    return undefined;
  }
}

/** How much larger than the stored code cache a run's must be to replace it. */
const GROWTH = 1.2;

/**
 * A bundle run through V8's code cache, kept beside it as FILE.cache: the compiled code of the functions the
 * runs so far used, so that the next run neither parses nor compiles them again. The cache names the bundle's
 * size and time of writing; one that names another build, or that V8 rejects (another Node version or flags), is
 * ignored and replaced when the process exits. It is also replaced when this run compiled clearly more than it
 * holds (GROWTH), so that a first run of `--help` after a build does not keep `check`'s functions out of it for
 * good; the bound keeps runs that differ a little from rewriting it each time. It is written to a temporary file
 * and renamed, so a reader sees a whole file or none; one that cannot be written (a read-only install) is simply
 * not kept.
 */
function requireBundle(file) {
  const source = readFileSync(file, 'utf8');
  const built = statSync(file);
  const cacheFile = `${file}.cache`;
  const key = Buffer.from(`${built.size} ${built.mtimeMs}\n`);
  const cache = readCache(cacheFile, key);
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cache ? { cachedData: cache } : {}),
  });
  process.once('exit', () => {
    const data = script.createCachedData();
    if (!cache || script.cachedDataRejected || data.length > cache.length * GROWTH) {
      writeCache(cacheFile, key, data);
    }
  });
  const module = { exports: {}, filename: file, loaded: false };
  const requireHere = Module.createRequire(file);
  // A bundle requires the others by their file names: they go through the cache too.
  const requireNext = (request) =>
    request.endsWith('.bundle.js') ? requireBundle(join(dirname(file), request)) : requireHere(request);
  script.runInThisContext()(module.exports, requireNext, module, file, dirname(file));
  module.loaded = true;
  return module.exports;
}

function readCache(cacheFile, key) {
  try {
    const data = readFileSync(cacheFile);
    return data.subarray(0, key.length).equals(key) ? data.subarray(key.length) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache through a temporary file of its own: named by process and a random suffix, and created only
 * if no such file exists ('wx'), so that no two processes write the same file, whatever their pids.
 */
function writeCache(cacheFile, key, data) {
  removeLeftTemporaries(cacheFile);
  const temporary = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([key, data]), { flag: 'wx' });
    renameSync(temporary, cacheFile);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}

/** How old a temporary cache file is before it counts as left behind: far longer than any write takes. */
const LEFT_AFTER_MS = 60_000;

/**
 * A process ended between writing its temporary file and renaming it (SIGKILL, a power cut) leaves that file
 * beside the cache, and nothing else would ever remove it: each writer removes those older than LEFT_AFTER_MS,
 * which no writer still running can own. Done only when a cache is written, so a run that reuses one pays nothing.
 */
function removeLeftTemporaries(cacheFile) {
  const prefix = `${basename(cacheFile)}.`;
  const before = Date.now() - LEFT_AFTER_MS;
  try {
    for (const name of readdirSync(dirname(cacheFile))) {
      if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
      const file = join(dirname(cacheFile), name);
      if (statSync(file).mtimeMs < before) unlinkSync(file);
    }
  } catch {
    // Another writer removed it first, or the folder cannot be changed: nothing to do.
  }
}

const bundle = currentBundle();
if (!bundle && process.env.SENDGUARD_REQUIRE_BUNDLES === '1') {
  process.stderr.write(
    'sendguard: the bundles in dist/cli are missing or older than the compiled files they hold (`tsc` has run ' +
      'since), and SENDGUARD_REQUIRE_BUNDLES=1 asks for them. Run `npm run build`.\n',
  );
  process.exit(70);
}
const { main, processIo } = bundle ? requireBundle(bundle) : require(compiled);
main(process.argv.slice(2), processIo).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`sendguard: unexpected failure: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
