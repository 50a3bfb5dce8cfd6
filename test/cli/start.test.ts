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
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
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
const CLI_DIST = join(ROOT, 'dist', 'cli');
const BUNDLES = ['main', 'check'].map((name) => join(CLI_DIST, `${name}.bundle.js`));
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

/** The compiled tree's dispatcher run directly, as bin/sendguard.js runs it when there is no current bundle. */
const COMPILED = [
  '-e',
  "require('./dist/cli/main.js').main(process.argv.slice(1), require('./dist/cli/main.js').processIo).then((c) => (process.exitCode = c))",
];

/** The bundles as `npm run build` (or `npm ci`) leaves them: rebuilt here when older than the compiled tree. */
function buildBundles(): void {
  buildService();
  const compiled = statSync(join(CLI_DIST, 'main.js')).mtimeMs;
  if (BUNDLES.every((file) => existsSync(file) && statSync(file).mtimeMs >= compiled)) return;
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'webpack'),
    ['--mode', 'production', '--config-name', 'cli'],
    {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 240_000,
    },
  );
}

describe('the built command', () => {
  let network: string[];
  beforeAll(() => {
    buildBundles();
    const bed = testbed();
    network = ['--dns', bed.dns, '--ca-file', bed.caFile, '--allow-private'];
  }, 300_000);

  test("--help and each command's --help run from the bundles: the same text, no package, no command loaded", async () => {
    for (const args of [['--help'], ...COMMANDS.map((command) => [command, '--help'])]) {
      const { stdout, code, loaded } = await started([BIN, ...args]);
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
    const { stdout, code, loaded } = await started([
      BIN,
      'check',
      'tls-valid.sendguard.test',
      '--json',
      ...network,
    ]);
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

  test('through the compiled tree, check loads DNS, network and transport code, and no zod, openpgp.js or fastify', async () => {
    const { code, loaded } = await started([...COMPILED, 'check', 'tls-valid.sendguard.test', ...network]);
    expect(code).toBe(0);
    expect(loaded).toContain('dist/server/transport/check-domain.js');
    const server = loaded.filter((file) => file.startsWith('dist/server/'));
    expect(
      server.filter((file) => !/^dist\/server\/(dns|net|transport)\/|store\/bounded-cache/.test(file)),
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
    const stats = join(scratch, 'stats.json');
    execFileSync(
      join(ROOT, 'node_modules', '.bin', 'webpack'),
      [
        '--mode',
        'production',
        '--config-name',
        'cli',
        '--output-path',
        join(scratch, 'out'),
        `--json=${stats}`,
        '--stats',
        'detailed',
      ],
      { cwd: ROOT, stdio: 'pipe', timeout: 240_000 },
    );
    const { children } = JSON.parse(readFileSync(stats, 'utf8')) as {
      children: { modules: { name: string; modules?: { name: string }[] }[] }[];
    };
    const names = children[0]!.modules.flatMap((m) => [
      m.name,
      ...(m.modules ?? []).map((inner) => inner.name),
    ]);
    expect(names).toContain('./src/server/transport/check-domain.ts');
    expect(names.filter((name) => HEAVY.test(name.replace(/^\./, '')))).toEqual([]);
    expect(
      names.filter(
        (name) =>
          name.startsWith('./src/server/') &&
          !/^\.\/src\/server\/(dns|net|transport)\/|store\/bounded-cache/.test(name),
      ),
    ).toEqual([]);
  }, 300_000);
});

describe('bin/sendguard.js on a stand-in build', () => {
  /** A checkout with bin/sendguard.js and, where asked, a compiled dispatcher and bundles that say which they are. */
  function standIn({ compiled = true, bundle }: { compiled?: boolean; bundle?: 'newer' | 'older' }) {
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
      writeFileSync(join(cli, 'main.bundle.js'), dispatcher("' + require('./check.bundle.js').name + '"));
      const compiledAt = statSync(join(cli, 'main.js')).mtime.getTime() / 1000;
      const at = bundle === 'newer' ? compiledAt + 10 : compiledAt - 10;
      for (const name of ['main', 'check']) utimesSync(join(cli, `${name}.bundle.js`), at, at);
    }
    const start = () =>
      run(process.execPath, [join(root, 'bin', 'sendguard.js'), 'a', 'b']).catch(
        (error: { stdout: string; stderr: string; code: number }) => error,
      );
    return { cli, start };
  }

  test('without a compiled tree it says to build, exit status 70', async () => {
    const result = (await standIn({ compiled: false }).start()) as { code: number; stderr: string };
    expect(result).toMatchObject({
      code: 70,
      stderr: 'sendguard: not built yet. Run `npm run build` (or `npm ci`) in the checkout first.\n',
    });
  });

  test('runs the bundles when they are at least as new as the compiled tree, else the compiled tree', async () => {
    expect(await standIn({}).start()).toMatchObject({ code: 3, stdout: 'compiled a b\n' });
    expect(await standIn({ bundle: 'older' }).start()).toMatchObject({ code: 3, stdout: 'compiled a b\n' });
    expect(await standIn({ bundle: 'newer' }).start()).toMatchObject({ code: 3, stdout: 'bundle a b\n' });
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
});
