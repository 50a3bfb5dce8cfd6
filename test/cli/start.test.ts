/**
 * What the built command loads to start (issue 18): `--help`, every `<command> --help` and `check` run from the
 * bundles (src/cli/webpack.part.js) and load no package, no server code beyond DNS, network and transport, and none
 * of zod, openpgp.js or fastify; through the compiled tree, which bin/sendguard.js falls back to, the same holds
 * file by file. And bin/sendguard.js itself: which tree it runs, and its code cache, on a stand-in build.
 * No timing here: bench/cli.bench.js measures.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { buildService } from '../outlook/sendguard-serve';
import { runCli } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';
import { testbed } from '../helpers/testbed';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'sendguard.js');
const COMMANDS = ['check', 'headers', 'keys', 'manifest', 'plan', 'serve', 'token', 'whoami'];
/** What a command that needs no service, keys or configuration must not load. */
const HEAVY = /\/node_modules\/(zod|openpgp|fastify|@fastify|yaml|jose|better-sqlite3|pg|nodemailer)\//;

const run = promisify(execFile);
const scratch = scratchDir('cli-start');

/** Loaded before the command with --require: at exit, every file `require` loaded, into $LOADED_FILES. */
const PROBE = join(scratch, 'probe.js');
writeFileSync(
  PROBE,
  `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const loaded = new Set();
const load = Module._load;
Module._load = function (request, parent, isMain) {
  const exported = load.apply(this, arguments);
  const file = Module._resolveFilename(request, parent, isMain);
  if (file.startsWith('/')) loaded.add(file);
  return exported;
};
process.on('exit', () => writeFileSync(process.env.LOADED_FILES, JSON.stringify([...loaded])));
`,
);

interface Started {
  stdout: string;
  code: number;
  /** Repository paths of the files required, the command's own entry left out. */
  loaded: string[];
}

/** `node --require PROBE ARGS` with the environment given, from the repository's root. */
async function started(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const list = join(scratch, `loaded-${Math.random().toString(36).slice(2)}.json`);
  const result = await run(process.execPath, ['--require', PROBE, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOADED_FILES: list, ...env },
  }).catch((error: { stdout: string; code: number }) => error);
  const loaded = (JSON.parse(readFileSync(list, 'utf8')) as string[])
    .map((file) => relative(ROOT, file))
    .filter((file) => file !== 'bin/sendguard.js' && !file.startsWith('..'));
  return { stdout: result.stdout, code: 'code' in result ? result.code : 0, loaded };
}

/** Makes bin/sendguard.js exit 70 rather than run the compiled tree (bench/cli.bench.js sets it too). */
const REQUIRE_BUNDLES = { SENDGUARD_REQUIRE_BUNDLES: '1' };

/** The compiled tree's dispatcher run directly, as bin/sendguard.js runs it when there is no current bundle. */
const COMPILED = [
  '-e',
  "require('./dist/cli/main.js').main(process.argv.slice(1), require('./dist/cli/main.js').processIo).then((c) => (process.exitCode = c))",
];

/**
 * The bundles as `npm run build` (or `npm ci`) makes them, built into a folder of this test's own rather than the
 * shared dist/cli that other test files may be building at the same moment: `<build>/bin/sendguard.js` beside
 * `<build>/dist/cli` with the bundles and a link to the compiled dispatcher, the rest required from dist/ as in an
 * install. Returns that bin and the build's webpack stats.
 */
function buildBundles(): { bin: string; stats: string } {
  buildService();
  const build = join(scratch, 'build');
  const cli = join(build, 'dist', 'cli');
  mkdirSync(join(build, 'bin'), { recursive: true });
  mkdirSync(cli, { recursive: true });
  copyFileSync(BIN, join(build, 'bin', 'sendguard.js'));
  symlinkSync(join(ROOT, 'dist', 'cli', 'main.js'), join(cli, 'main.js'));
  const stats = join(scratch, 'stats.json');
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'webpack'),
    [
      '--mode',
      'production',
      '--config-name',
      'cli',
      '--env',
      `cliOut=${cli}`,
      `--json=${stats}`,
      '--stats',
      'detailed',
    ],
    { cwd: ROOT, stdio: 'pipe', timeout: 240_000 },
  );
  return { bin: join(build, 'bin', 'sendguard.js'), stats };
}

describe('the built command', () => {
  let network: string[];
  let built: { bin: string; stats: string };
  beforeAll(() => {
    built = buildBundles();
    const bed = testbed();
    network = ['--dns', bed.dns, '--ca-file', bed.caFile, '--allow-private'];
  }, 300_000);

  test("--help and each command's --help run from the bundles: the same text, no package, no command loaded", async () => {
    for (const args of [['--help'], ...COMMANDS.map((command) => [command, '--help'])]) {
      // Bundles or nothing: the command refuses to fall back to the compiled tree.
      const { stdout, code, loaded } = await started([built.bin, ...args], REQUIRE_BUNDLES);
      // What the dispatcher prints in-process from the sources.
      expect({ args, code, stdout }).toEqual({ args, code: 0, stdout: (await runCli(args)).stdout });
      // Only the error classes the bundles share with the compiled tree come from it.
      expect({ args, loaded: loaded.sort() }).toEqual({
        args,
        loaded: ['dist/cli/io.js', 'dist/core/errors.js'],
      });
    }
  });

  test('check runs from the bundles: the report, and nothing required but the shared error classes', async () => {
    const { stdout, code, loaded } = await started(
      [built.bin, 'check', 'tls-valid.sendguard.test', '--json', ...network],
      REQUIRE_BUNDLES,
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([{ domain: 'tls-valid.sendguard.test', verdict: 'encrypted' }]);
    expect(loaded.sort()).toEqual(['dist/cli/io.js', 'dist/core/errors.js']);
  });

  test('through the compiled tree, --help loads the dispatcher and its help texts only', async () => {
    const { code, loaded } = await started([...COMPILED, 'check', '--help']);
    expect(code).toBe(0);
    expect(loaded.filter((file) => !/^dist\/(cli\/(main|help|io)|core\/[a-z-]+)\.js$/.test(file))).toEqual(
      [],
    );
  });

  test('through the compiled tree, check loads DNS, network, transport and mailbox code, and no zod, openpgp.js or fastify', async () => {
    const { code, loaded } = await started([...COMPILED, 'check', 'tls-valid.sendguard.test', ...network]);
    expect(code).toBe(0);
    expect(loaded).toContain('dist/server/transport/check-domain.js');
    expect(loaded).toContain('dist/server/mailbox/check.js');
    const server = loaded.filter((file) => file.startsWith('dist/server/'));
    expect(
      server.filter(
        (file) =>
          !/^dist\/server\/(dns|net|transport|mailbox)\/|store\/(bounded-cache|made-once|writes-in-order|report-cache)/.test(
            file,
          ),
      ),
    ).toEqual([]);
    expect(loaded.filter((file) => HEAVY.test(`/${file}`))).toEqual([]);
  });

  test('check reads the network variables without the configuration schema, unless it must refuse one', async () => {
    const env = {
      SENDGUARD_DNS: network[1]!,
      SENDGUARD_CA_FILE: network[3]!,
      SENDGUARD_ALLOW_PRIVATE: '1',
      SENDGUARD_HELO: 'probe.sendguard.test',
    };
    const read = await started([...COMPILED, 'check', 'tls-valid.sendguard.test'], env);
    expect(read.code).toBe(0);
    expect(
      read.loaded.filter((file) => file.startsWith('dist/server/config/') || HEAVY.test(`/${file}`)),
    ).toEqual([]);
    // A value the service refuses: its configuration check says why (test/cli/check.test.ts has the words).
    const refused = await started([...COMPILED, 'check', 'tls-valid.sendguard.test'], {
      ...env,
      SENDGUARD_DNS: 'not a resolver',
    });
    expect(refused.code).toBe(1);
    expect(refused.loaded).toContain('dist/server/config/schema.js');
  });

  test('the bundles hold no package or server code that check and --help do not need', () => {
    const { children } = JSON.parse(readFileSync(built.stats, 'utf8')) as {
      children: { modules: { name: string; modules?: { name: string }[] }[] }[];
    };
    const names = children[0]!.modules.flatMap((m) => [
      m.name,
      ...(m.modules ?? []).map((inner) => inner.name),
    ]);
    expect(names).toContain('./src/server/transport/check-domain.ts');
    expect(names).toContain('./src/server/mailbox/check.ts');
    expect(names.filter((name) => HEAVY.test(name.replace(/^\./, '')))).toEqual([]);
    expect(
      names.filter(
        (name) =>
          name.startsWith('./src/server/') &&
          !/^\.\/src\/server\/(dns|net|transport|mailbox)\/|store\/(bounded-cache|made-once|writes-in-order|report-cache)/.test(
            name,
          ),
      ),
    ).toEqual([]);
  });
});

describe('bin/sendguard.js on a stand-in build', () => {
  /** A compiled file the bundles hold besides the dispatcher: its time against theirs, or not there at all. */
  type Held = 'older' | 'newer' | 'missing';
  const HELD = '../server/transport/check-domain.js';
  /** Functions the stand-in's main bundle compiles only when its first argument is `many`. */
  const MANY = Array.from(
    { length: 300 },
    (_, n) => `(x) => { let s = x; for (let i = 0; i < 3; i++) s += i * ${n}; return s; }`,
  ).join(',\n');

  /**
   * A checkout with bin/sendguard.js and, where asked, a compiled dispatcher and bundles that say which they are,
   * with the manifest the build writes beside them (src/cli/webpack.part.js) listing the dispatcher and `held`.
   */
  function standIn({
    compiled = true,
    bundle,
    held,
    manifest = true,
  }: {
    compiled?: boolean;
    bundle?: 'newer' | 'older';
    held?: Held;
    manifest?: boolean;
  }) {
    const root = scratchDir('cli-bin');
    const cli = join(root, 'dist', 'cli');
    mkdirSync(join(root, 'bin'));
    mkdirSync(cli, { recursive: true });
    copyFileSync(BIN, join(root, 'bin', 'sendguard.js'));
    const dispatcher = (which: string) =>
      `exports.processIo = {};\nexports.main = async (argv) => { process.stdout.write('${which} ' + argv.join(' ') + '\\n'); return 3; };\n`;
    if (compiled) writeFileSync(join(cli, 'main.js'), dispatcher('compiled'));
    if (bundle) {
      // The main bundle requires another bundle by its file name, as main.bundle.js requires check.bundle.js.
      writeFileSync(join(cli, 'check.bundle.js'), "exports.name = 'bundle';\n");
      writeFileSync(
        join(cli, 'main.bundle.js'),
        `const many = [${MANY}];\nconst run = (argv) => { if (argv[0] === 'many') many.forEach((f) => f(1)); };\n` +
          dispatcher("' + require('./check.bundle.js').name + '").replace(
            'async (argv) => {',
            '$& run(argv);',
          ),
      );
      const compiledAt = statSync(join(cli, 'main.js')).mtime.getTime() / 1000;
      const at = bundle === 'newer' ? compiledAt + 10 : compiledAt - 10;
      for (const name of ['main', 'check']) utimesSync(join(cli, `${name}.bundle.js`), at, at);
      if (held && held !== 'missing') {
        mkdirSync(join(root, 'dist', 'server', 'transport'), { recursive: true });
        writeFileSync(join(cli, HELD), '');
        const heldAt = held === 'newer' ? at + 10 : at - 10;
        utimesSync(join(cli, HELD), heldAt, heldAt);
      }
      const builtFrom = ['./main.js', ...(held ? [HELD] : [])];
      if (manifest) {
        writeFileSync(
          join(cli, 'bundles.json'),
          JSON.stringify({ bundles: ['main.bundle.js', 'check.bundle.js'], builtFrom }),
        );
      }
    }
    const start = (args = ['a', 'b'], env: Record<string, string> = {}, nodeArgs: string[] = []) =>
      run(process.execPath, [...nodeArgs, join(root, 'bin', 'sendguard.js'), ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
      }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    return { cli, start };
  }

  test('without a compiled tree it says to build, exit status 70', async () => {
    const result = (await standIn({ compiled: false }).start()) as { code: number; stderr: string };
    expect(result).toMatchObject({
      code: 70,
      stderr: 'sendguard: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n',
    });
  });

  test('runs the bundles only while each is at least as new as every compiled file it holds', async () => {
    const runs = async (options: Parameters<typeof standIn>[0]) =>
      ((await standIn(options).start()) as { stdout: string }).stdout;
    expect(await runs({})).toBe('compiled a b\n');
    expect(await runs({ bundle: 'older' })).toBe('compiled a b\n');
    expect(await runs({ bundle: 'newer' })).toBe('bundle a b\n');
    expect(await runs({ bundle: 'newer', held: 'older' })).toBe('bundle a b\n');
    // `tsc --incremental` rewrote one transport file since, not the dispatcher: the bundle holds older code.
    expect(await runs({ bundle: 'newer', held: 'newer' })).toBe('compiled a b\n');
    expect(await runs({ bundle: 'newer', held: 'missing' })).toBe('compiled a b\n');
    // Bundles from a build that wrote no manifest.
    expect(await runs({ bundle: 'newer', manifest: false })).toBe('compiled a b\n');
    // One bundle of the two older than the compiled tree.
    const { cli, start } = standIn({ bundle: 'newer' });
    const compiledAt = statSync(join(cli, 'main.js')).mtime.getTime() / 1000;
    utimesSync(join(cli, 'check.bundle.js'), compiledAt - 10, compiledAt - 10);
    expect(await start()).toMatchObject({ code: 3, stdout: 'compiled a b\n' });
  });

  test('with SENDGUARD_REQUIRE_BUNDLES=1 a stale bundle is refused, saying how to rebuild', async () => {
    const env = { SENDGUARD_REQUIRE_BUNDLES: '1' };
    expect(await standIn({ bundle: 'newer', held: 'newer' }).start(['a'], env)).toMatchObject({
      code: 70,
      stdout: '',
      stderr:
        'sendguard: the bundles in dist/cli are missing or older than the compiled files they hold (`tsc` has run ' +
        'since), and SENDGUARD_REQUIRE_BUNDLES=1 asks for them. Run `npm run build`.\n',
    });
    expect(await standIn({ bundle: 'newer', held: 'older' }).start(['a'], env)).toMatchObject({
      code: 3,
      stdout: 'bundle a\n',
    });
  });

  test('keeps a code cache beside each bundle it ran, naming the build; one it cannot use is replaced', async () => {
    const { cli, start } = standIn({ bundle: 'newer' });
    await start();
    const caches = ['main', 'check'].map((name) => join(cli, `${name}.bundle.js.cache`));
    for (const cache of caches) {
      const { size, mtimeMs } = statSync(cache.replace(/\.cache$/, ''));
      expect(readFileSync(cache).subarray(0, 40).toString('latin1')).toMatch(
        new RegExp(`^${size} ${mtimeMs}\n`),
      );
    }
    // Another build's cache, and one V8 refuses: the command still runs, and each is written anew.
    writeFileSync(caches[0]!, 'a cache of another build');
    const { size, mtimeMs } = statSync(join(cli, 'check.bundle.js'));
    writeFileSync(caches[1]!, `${size} ${mtimeMs}\nnot V8's code cache`);
    expect(await start()).toMatchObject({ code: 3, stdout: 'bundle a b\n' });
    expect(readFileSync(caches[0]!).subarray(0, 40).toString('latin1')).toMatch(/^\d+ [\d.]+\n/);
    expect(readFileSync(caches[1]!).toString('latin1')).not.toContain("not V8's code cache");
    // Written through a temporary file renamed into place: none is left.
    expect(readdirSync(cli).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
  test('a cache is written through a temporary file of its own, and ones a killed writer left are removed', async () => {
    const { cli, start } = standIn({ bundle: 'newer' });
    const minutesAgo = Date.now() / 1000 - 120;
    const left = 'main.bundle.js.cache.1234.k3j5x9a2.tmp';
    const inProgress = 'main.bundle.js.cache.5678.b7c1d0e4.tmp';
    const notOurs = 'other.tmp';
    for (const name of [left, inProgress, notOurs]) writeFileSync(join(cli, name), 'x');
    for (const name of [left, notOurs]) utimesSync(join(cli, name), minutesAgo, minutesAgo);
    // Loaded before the command: each write of a temporary file (with its flag) and each rename, as it happens.
    const probe = join(cli, '..', 'writes.js');
    const log = join(cli, '..', 'writes.log');
    writeFileSync(
      probe,
      `const fs = require('node:fs');
const { basename } = require('node:path');
const { writeFileSync, renameSync, appendFileSync } = fs;
fs.writeFileSync = function (file, data, options) {
  if (String(file).endsWith('.tmp')) appendFileSync(process.env.LOG, 'write ' + basename(file) + ' ' + (options && options.flag) + '\\n');
  return writeFileSync.apply(this, arguments);
};
fs.renameSync = function (from) {
  appendFileSync(process.env.LOG, 'rename ' + basename(from) + '\\n');
  return renameSync.apply(this, arguments);
};
`,
    );
    expect(await start(['a'], { LOG: log }, ['--require', probe])).toMatchObject({ code: 3 });
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    const temporaries = lines.filter((line) => line.startsWith('write ')).map((line) => line.split(' ')[1]);
    expect(lines.filter((line) => line.startsWith('write ')).map((line) => line.split(' ')[2])).toEqual([
      'wx',
      'wx',
    ]);
    // Named by process and a random suffix, each renamed into place.
    for (const name of temporaries)
      expect(name).toMatch(/^(main|check)\.bundle\.js\.cache\.\d+\.[0-9a-z]+\.tmp$/);
    expect(lines.filter((line) => line.startsWith('rename ')).map((line) => line.split(' ')[1])).toEqual(
      temporaries,
    );
    // The one a minute old is gone; one that may still be written, and another program's, are left.
    expect(
      readdirSync(cli)
        .filter((name) => name.endsWith('.tmp'))
        .sort(),
    ).toEqual([inProgress, notOurs]);
  });

  test('the cache takes in what a command compiled on its first run since the build, and is then left alone', async () => {
    const { cli, start } = standIn({ bundle: 'newer' });
    const cache = join(cli, 'main.bundle.js.cache');
    await start(['a']);
    const few = readFileSync(cache);
    expect(few.toString('latin1').split('\n')[1]).toBe('a');
    // The same command again: the cache already holds its run, and the file stays as it was.
    await start(['a']);
    expect(readFileSync(cache).equals(few)).toBe(true);
    // A command that has not run since the build, and compiles many more functions: the cache now holds them.
    await start(['many']);
    const many = readFileSync(cache);
    expect(many.toString('latin1').split('\n')[1]).toBe('a many');
    expect(many.length).toBeGreaterThan(few.length * 1.2);
    // Either command again: the cache is kept, and still serves.
    expect(await start(['a'])).toMatchObject({ code: 3, stdout: 'bundle a\n' });
    await start(['many']);
    expect(readFileSync(cache).equals(many)).toBe(true);
  });
});
