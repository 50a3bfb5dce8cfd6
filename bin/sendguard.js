#!/usr/bin/env node
// The command runs the compiled TypeScript; `npm ci` compiles it (the package's `prepare` script). Where the
// bundles of src/cli/webpack.part.js are at least as new as the compiled tree, it runs them instead: Node then
// reads and compiles a file or two rather than some eighty, which is most of what a short command costs.
const { existsSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const dist = join(__dirname, '..', 'dist', 'cli');
const compiled = join(dist, 'main.js');
if (!existsSync(compiled)) {
  process.stderr.write(
    'sendguard: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n',
  );
  process.exit(70);
}

/** The bundle, unless it is missing or older than the compiled tree (rebuilt by `tsc` alone since). */
function currentBundle() {
  const bundle = join(dist, 'main.bundle.js');
  const built = statSync(bundle, { throwIfNoEntry: false });
  return built && built.mtimeMs >= statSync(compiled).mtimeMs ? bundle : undefined;
}

/**
 * A bundle run through V8's code cache, kept beside it as FILE.cache: the compiled code of the functions the
 * last run used, so that the next run neither parses nor compiles them again. The cache names the bundle's size
 * and time of writing; one that names another build, or that V8 rejects (another Node version or flags), is
 * ignored and replaced when the process exits. It is written to a temporary file and renamed, so a reader sees
 * a whole file or none; one that cannot be written (a read-only install) is simply not kept.
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
  if (!cache || script.cachedDataRejected) {
    process.once('exit', () => writeCache(cacheFile, key, script.createCachedData()));
  }
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

function writeCache(cacheFile, key, data) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, Buffer.concat([key, data]));
    renameSync(temporary, cacheFile);
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was written.
    }
  }
}

const bundle = currentBundle();
const { main, processIo } = bundle ? requireBundle(bundle) : require(compiled);
main(process.argv.slice(2), processIo).then(
  (code) => (process.exitCode = code),
  (error) => {
    process.stderr.write(`sendguard: unexpected failure: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 70;
  },
);
