// How long a person waits for the `sendguard` command to start: wall time of `sendguard --help`, of each
// `sendguard <command> --help`, and of `sendguard check` up to the moment its first DNS query leaves, each the best
// of several child processes, beside `node -e 0` measured in the same run (the floor no command can go below).
// The goal (issue 18) is under 80 ms for each. `serve` is timed to the moment it listens, for information.
// Runs the command as an admin does, bin/sendguard.js against the build (`npm run bench` builds it first), from
// its bundles: SENDGUARD_REQUIRE_BUNDLES makes it fail, saying to run `npm run build`, where a `tsc` run since
// would have it fall back to the compiled tree.
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { byMode, quick } = require('./measure');

const BIN = join(__dirname, '..', 'bin', 'sendguard.js');
const COMMANDS = ['check', 'headers', 'keys', 'manifest', 'plan', 'serve', 'token', 'whoami'];
const RUNS = byMode(15, 3);
const ENV = { ...process.env, SENDGUARD_REQUIRE_BUNDLES: '1' };
const TARGET_MS = 80;
const scratch = mkdtempSync(join(tmpdir(), 'sendguard-cli-bench-'));

// Loaded before the command with --require: ends the process when the first DNS query is sent, so that the wall
// time is the command's start and nothing of the network's answer. Requiring node:dgram early costs the command
// nothing it would not spend anyway.
const FIRST_QUERY = join(scratch, 'first-query.js');
writeFileSync(
  FIRST_QUERY,
  `const { Socket } = require('node:dgram');
Socket.prototype.send = function () { process.exit(0); };
`,
);

/** Milliseconds from spawning `node ARGS` to its exit; fails the bench on an unexpected exit status. */
function wallMs(args, expectedStatus = 0, env = ENV) {
  const started = process.hrtime.bigint();
  const { status, stderr } = spawnSync(process.execPath, args, {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (status !== expectedStatus) throw new Error(`node ${args.join(' ')} exited ${status}: ${stderr}`);
  return ms;
}

// `check` of a name under .invalid against a resolver of its own address family that nobody runs: the query is
// sent (and the probe ends the run there) without any waiting on the network.
const CHECK = [BIN, 'check', '--dns', '127.0.0.1:9', '--timeout', '1000', 'start.invalid'];

// Node reads NODE_EXTRA_CA_CERTS as it starts, before any script, and parses every certificate the file holds
// and its own bundled roots: where the environment names the system's bundle, that is most of Node's start.
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...withoutExtraCaCerts } = ENV;
const cases = [
  { name: 'node -e 0 (reference)', args: ['-e', '0'], reference: true },
  ...(extraCaCerts
    ? [
        {
          name: 'node -e 0, NODE_EXTRA_CA_CERTS unset',
          args: ['-e', '0'],
          env: withoutExtraCaCerts,
          reference: true,
        },
      ]
    : []),
  { name: 'sendguard --help', args: [BIN, '--help'] },
  ...COMMANDS.map((command) => ({ name: `sendguard ${command} --help`, args: [BIN, command, '--help'] })),
  { name: 'check start, to its first DNS query', args: ['--require', FIRST_QUERY, ...CHECK] },
];

// Once each before measuring: a run after a build writes the code cache beside the bundles (bin/sendguard.js),
// and a whole `check` run is what should write it for `check`. `--help` first, which fails plainly on stale bundles.
wallMs([BIN, '--help']);
wallMs(CHECK, 1);
for (const { args, env } of cases) wallMs(args, 0, env);

// Interleaved, so that the machine's other work weighs on every case alike; the best run of each counts.
const best = new Map(cases.map(({ name }) => [name, Infinity]));
for (let run = 0; run < RUNS; run++) {
  for (const { name, args, env } of cases) best.set(name, Math.min(best.get(name), wallMs(args, 0, env)));
}

const floor = best.get(cases[0].name);
console.log(`best of ${RUNS} runs each; target: every command's start under ${TARGET_MS} ms`);
if (extraCaCerts) console.log(`NODE_EXTRA_CA_CERTS=${extraCaCerts} (every case but the one that unsets it)`);
for (const { name, reference } of cases) {
  const ms = best.get(name);
  const over = reference ? '' : `  (${(ms - floor).toFixed(1).replace(/^(?!-)/, '+')} ms over node -e 0)`;
  const mark = reference ? '' : ms < TARGET_MS ? '  under target' : '  OVER TARGET';
  console.log(`${name.padEnd(40)} ${ms.toFixed(1).padStart(6)} ms${over}${mark}`);
}

/** Milliseconds from spawning `sendguard serve` to its line saying where it listens. */
function serveMs(dataDir) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...ENV,
        PORT: '0',
        HOST: '127.0.0.1',
        SENDGUARD_DATA_DIR: dataDir,
        SENDGUARD_DEV_NO_AUTH: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let listeningMs;
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (listeningMs !== undefined || !/listening on/.test(output)) return;
      listeningMs = Number(process.hrtime.bigint() - started) / 1e6;
      child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) =>
      listeningMs !== undefined
        ? resolve(listeningMs)
        : reject(new Error(`serve exited ${code} before listening:\n${output}`)),
    );
  });
}

(async () => {
  // One data directory for every run: its development certificate is made by the first, as on a second start.
  const dataDir = join(scratch, 'data');
  await serveMs(dataDir);
  let serve = Infinity;
  for (let run = 0; run < byMode(5, 1); run++) serve = Math.min(serve, await serveMs(dataDir));
  console.log(
    `${'serve start, to listening'.padEnd(40)} ${serve.toFixed(1).padStart(6)} ms  (for information)`,
  );
  if (quick) console.log('(quick mode: figures not to be compared)');
})()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(scratch, { recursive: true, force: true }));
