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

/**
 * The command this run is for, as the code cache records it: its first argument when that is a plain word
 * (`check`, `--help`), else `*`.
 */
const COMMAND = /^-{0,2}[a-z][a-z-]{0,30}$/.test(process.argv[2] ?? '') ? process.argv[2] : '*';

/**
 * A bundle run through V8's code cache, kept beside it as FILE.cache: the compiled code of the functions the
 * runs so far used, so that the next run neither parses nor compiles them again. The cache names the bundle's
 * size and time of writing, and the commands whose runs it holds; one that names another build, or that V8
 * rejects (another Node version or flags), is ignored and replaced when the process exits. A command it does not
 * name yet adds what its run compiled, so that a first run of `--help` after a build does not keep `check`'s
 * functions out of it for good. A command it names leaves it as it is, without asking V8 for it again (that costs
 * a `check` run some 3 ms). It is written to a temporary file and renamed, so a reader sees a whole file or none;
 * one that cannot be written (a read-only install) is simply not kept.
 */
function requireBundle(file) {
  const source = readFileSync(file, 'utf8');
  const built = statSync(file);
  const cacheFile = `${file}.cache`;
  const build = `${built.size} ${built.mtimeMs}`;
  const cache = readCache(cacheFile, build);
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    ...(cache ? { cachedData: cache.data } : {}),
  });
  process.once('exit', () => {
    if (cache && !script.cachedDataRejected && cache.commands.includes(COMMAND)) return;
    const commands = cache && !script.cachedDataRejected ? [...cache.commands, COMMAND] : [COMMAND];
    writeCache(cacheFile, Buffer.from(`${build}\n${commands.join(' ')}\n`), script.createCachedData());
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

/** The cache of this build: V8's data, and the commands whose runs it holds. */
function readCache(cacheFile, build) {
  try {
    const file = readFileSync(cacheFile);
    const buildEnd = file.indexOf(10);
    const commandsEnd = file.indexOf(10, buildEnd + 1);
    if (buildEnd < 0 || commandsEnd < 0 || file.toString('latin1', 0, buildEnd) !== build) return undefined;
    const commands = file.toString('latin1', buildEnd + 1, commandsEnd).split(' ');
    return { data: file.subarray(commandsEnd + 1), commands };
  } catch {
    return undefined;
  }
}

/**
 * Writes the cache through a temporary file of its own: named by process and a random suffix, and created only
 * if no such file exists ('wx'), so that no two processes write the same file, whatever their pids.
 */
function writeCache(cacheFile, header, data) {
  removeLeftTemporaries(cacheFile);
  const temporary = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([header, data]), { flag: 'wx' });
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
