// The transport check on the offline test bed, against Postfix's posttls-finger run once per domain on the same
// bed (the anchor: per-MX TLS and DANE truth, one process per domain). Prints:
//  - cold: the built command, `sendguard check` of all reachable bed domains at once, one fresh process each
//    round, against one shell that runs posttls-finger once per domain (in one mount namespace, started once, so
//    neither side pays a wrapper per domain); each the best of three rounds, taken in turn (target <= 0.2);
//  - our CPU time per domain in that cold command, and in-process (modules already loaded) for comparison;
//  - warm: cached report lookups per second in-process, each awaited, through the store as a node runs it (its
//    memory front over SQLite; target > 100,000/s), against an awaited bare Map lookup;
//  - memory per cached domain report.
// Needs the bed (test/testbed/up.sh, started here if it is not up), a build (npm run bench builds first), and
// the right to make a mount namespace (unshare, as test/testbed/posttls-finger.sh). In quick mode
// (bench/measure.js) the cold runs take a few domains, once.
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { asyncOpsPerSecond, byMode } = require('./measure');
const { openBenchStore } = require('./store');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const runDir = process.env.SENDGUARD_TESTBED_RUN ?? join(bedDir, 'run');
const bed = JSON.parse(readFileSync(join(runDir, 'bed.json'), 'utf8'));
const { createDnsClient, parseServerSpec } = require(join(root, 'dist', 'server', 'dns'));
const { CachingTransportService } = require(join(root, 'dist', 'server', 'transport', 'service'));
const { MemoryReportCache, storedReportCache } = require(
  join(root, 'dist', 'server', 'store', 'report-cache'),
);
const { storedStsCache } = require(join(root, 'dist', 'server', 'transport', 'mta-sts'));

// Hostile and mail-less cases measure time-outs, not work: posttls-finger would wait 30 s on the tarpit.
const reachable = JSON.parse(readFileSync(join(bedDir, 'cases.json'), 'utf8')).filter(
  (c) => !['unknown', 'no-mail'].includes(c.expect),
);
// The memory figure below reads this domain's report, so it is among the few of quick mode.
const SAMPLE = 'dane-ee.sendguard.test';
const domains = byMode(reachable, [
  ...reachable.filter((c) => c.domain === SAMPLE),
  ...reachable.filter((c) => c.domain !== SAMPLE).slice(0, 3),
]).map((c) => c.domain);
const ROUNDS = byMode(3, 1);

/** Milliseconds of CPU that this process's finished children used: /proc's cutime and cstime (Linux). */
function childrenCpuMs() {
  // The fields after the command name, which is in parentheses and may itself hold spaces.
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[13]) + Number(fields[14]);
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
  return (ticks / ticksPerSecond) * 1000;
}

/** Runs a command to its end: its wall time, the CPU its process tree used, its exit code and output. */
function timed(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        wallMs,
        cpuMs: childrenCpuMs() - cpuBefore,
        code,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
  });
}

/**
 * One round of ours: the built command, cold, all domains at once, as a user or the judge runs it. From its
 * bundles or not at all (SENDGUARD_REQUIRE_BUNDLES, bin/sendguard.js): not from the compiled tree a `tsc` run
 * since would have it fall back to.
 */
async function ourRound() {
  const run = await timed(
    process.execPath,
    [
      join(root, 'bin', 'sendguard.js'),
      'check',
      '--dns',
      bed.dns,
      '--ca-file',
      bed.caFile,
      '--allow-private',
      ...domains,
    ],
    { env: { ...process.env, SENDGUARD_REQUIRE_BUNDLES: '1' } },
  );
  // Exit 0: every domain got a verdict. Anything else means the figure timed a failure, not a check.
  if (run.code !== 0) throw new Error(`sendguard check exited ${run.code}:\n${run.stdout}${run.stderr}`);
  return run;
}

/**
 * posttls-finger resolves through libc, which only reads /etc/resolv.conf: one private mount namespace, with a
 * resolv.conf naming the bed's unbound bound over the real one (as test/testbed/posttls-finger.sh does per run),
 * and in it one shell that runs posttls-finger once per domain. `options trust-ad`: without it glibc drops the AD
 * bit, and with it DANE.
 */
function fingerLoop(scratch) {
  const resolvConf = join(scratch, 'resolv.conf');
  const resolver = bed.dns.replace(/:53$/, '');
  writeFileSync(resolvConf, `nameserver ${resolver}\noptions trust-ad attempts:1 timeout:2\n`);
  const script = [
    'mount --bind "$1" /etc/resolv.conf || exit 1',
    'ca=$2; shift 2; failed=0',
    'for d in "$@"; do posttls-finger -t30 -T180 -c -l dane -P "$ca" "$d" >/dev/null 2>&1 || failed=$((failed+1)); done',
    'echo "$failed"',
  ].join('\n');
  const args = ['--mount', '--propagation', 'private', '--', 'bash', '-c', script, '_'];
  return {
    command: 'unshare',
    args: [...args, resolvConf, bed.caFile, ...domains],
    // MAIL_CONFIG: the bed's own Postfix configuration, so the host's /etc/postfix (if any) plays no part.
    env: {
      ...process.env,
      PATH: `${process.env.PATH}:/usr/local/sbin:/usr/sbin:/sbin`,
      MAIL_CONFIG: join(runDir, 'postfix'),
    },
  };
}

async function fingerRound(loop) {
  const run = await timed(loop.command, loop.args, { env: loop.env });
  if (run.code !== 0) throw new Error(`the posttls-finger loop exited ${run.code}: ${run.stderr}`);
  const failed = Number(run.stdout.trim());
  if (failed > 0) throw new Error(`posttls-finger failed for ${failed} of ${domains.length} domains`);
  return run;
}

const best = (runs, key) => Math.min(...runs.map((run) => run[key]));

/** The service as serve.ts builds it: reports and MTA-STS policies kept in the store. */
function newService(store) {
  return new CachingTransportService({
    deps: {
      dns: createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true }),
      heloName: 'bench.sendguard.test',
      allowPrivateAddresses: true,
      ca: readFileSync(bed.caFile),
      stsCache: storedStsCache(store.stsPolicies),
    },
    checkDeadlineMs: 10_000,
    cache: storedReportCache(store.transportReports),
  });
}

async function coldFigures() {
  const scratch = mkdtempSync(join(tmpdir(), 'sendguard-bench-finger-'));
  try {
    const loop = fingerLoop(scratch);
    const ours = [];
    const finger = [];
    for (let round = 0; round < ROUNDS; round++) {
      ours.push(await ourRound());
      finger.push(await fingerRound(loop));
    }
    const oursMs = best(ours, 'wallMs');
    const fingerMs = best(finger, 'wallMs');
    const oursCpuMs = best(ours, 'cpuMs');
    console.log(
      `cold, ${domains.length} domains, best of ${ROUNDS}: sendguard check (all at once) ${oursMs.toFixed(0)} ms; ` +
        `posttls-finger once per domain, in one namespace ${fingerMs.toFixed(0)} ms`,
    );
    console.log(`cold ratio (ours / posttls-finger): ${(oursMs / fingerMs).toFixed(3)}  (target <= 0.2)`);
    console.log(
      `our CPU for the cold command: ${oursCpuMs.toFixed(0)} ms (${(oursCpuMs / domains.length).toFixed(1)} ms per domain, ` +
        `start-up included); posttls-finger's ${best(finger, 'cpuMs').toFixed(0)} ms`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main() {
  await coldFigures();

  // In-process, with every module already loaded: the checking alone. It also fills the cache read below.
  const store = openBenchStore();
  const service = newService(store);
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  await Promise.all(domains.map((domain) => service.report(domain)));
  const inProcessMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const inProcessCpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `in-process cold check (modules loaded): ${inProcessMs.toFixed(0)} ms, CPU ${inProcessCpuMs.toFixed(0)} ms ` +
      `(${(inProcessCpuMs / domains.length).toFixed(1)} ms per domain)`,
  );

  let i = 0;
  const warm = await asyncOpsPerSecond(() => service.cached(domains[i++ % domains.length]));
  const plain = new Map(domains.map((d) => [d, {}]));
  const reference = await asyncOpsPerSecond(async () => plain.get(domains[i++ % domains.length]));
  console.log(
    `warm cached lookups: ${warm.toFixed(0)} /s  (target > 100000/s); awaited bare Map.get ${reference.toFixed(0)} /s, ratio ${(warm / reference).toFixed(2)}`,
  );

  const sample = await service.cached(SAMPLE);
  if (!sample) throw new Error(`the report of ${SAMPLE} is no longer cached`);
  await store.close();
  const cache = new MemoryReportCache();
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const count = byMode(20_000, 2_000);
  for (let n = 0; n < count; n++)
    await cache.set(`d${n}.example`, structuredClone(sample), Date.now() + 3_600_000);
  global.gc?.();
  const perDomain = (process.memoryUsage().heapUsed - before) / count;
  // Reading the cache after the measurement keeps it reachable through the last collection.
  const kept = (await cache.get('d0.example')) ? count : 0;
  console.log(
    `memory per cached domain report: ${(perDomain / 1024).toFixed(1)} KiB over ${kept} reports${global.gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
