// The transport check on the offline test bed, against Postfix's posttls-finger run once per domain on the same
// bed (the anchor: per-MX TLS and DANE truth, one process per domain). Prints:
//  - cold: all reachable bed domains checked at once by us, over the sum of posttls-finger runs (target < 0.2);
//  - warm: cached report lookups per second in-process, each awaited, through the store as a node runs it (its
//    memory front over SQLite; target > 100,000/s), against an awaited bare Map lookup;
//  - memory per cached domain report.
// Needs the bed (test/testbed/up.sh, started here if it is not up) and a build (npm run bench builds first). In
// quick mode (bench/measure.js) the cold run takes a few domains.
const { execFileSync, execFile } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { asyncOpsPerSecond, byMode } = require('./measure');
const { openBenchStore } = require('./store');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const bed = JSON.parse(readFileSync(join(bedDir, 'run', 'bed.json'), 'utf8'));
const { createDnsClient, parseServerSpec } = require(join(root, 'dist', 'server', 'dns'));
const { CachingTransportService, MemoryReportCache, storedReportCache } = require(
  join(root, 'dist', 'server', 'transport', 'service'),
);
const { storedStsCache } = require(join(root, 'dist', 'server', 'transport', 'mta-sts'));
const { systemClock } = require(join(root, 'dist', 'core', 'clock'));

// Hostile and mail-less cases measure time-outs, not work: posttls-finger would wait 30 s on the tarpit.
const reachable = JSON.parse(readFileSync(join(bedDir, 'cases.json'), 'utf8')).filter(
  (c) => !['unknown', 'no-mail'].includes(c.expect),
);
// The memory figure below reads this domain's report, so it is among the few of quick mode.
const SAMPLE = 'dane-ee.sendguard.test';
const cases = byMode(reachable, [
  ...reachable.filter((c) => c.domain === SAMPLE),
  ...reachable.filter((c) => c.domain !== SAMPLE).slice(0, 3),
]);

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
    cache: storedReportCache(store.transportReports, systemClock),
  });
}

async function main() {
  const store = openBenchStore();
  const service = newService(store);
  let started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  await Promise.all(cases.map((c) => service.report(c.domain)));
  const oursMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  const oursCpuMs = (cpu.user + cpu.system) / 1000;

  const run = promisify(execFile);
  started = process.hrtime.bigint();
  for (const c of cases) {
    await run(join(bedDir, 'posttls-finger.sh'), [c.domain, 'dane'], { timeout: 60_000 }).catch(
      () => undefined,
    );
  }
  const fingerMs = Number(process.hrtime.bigint() - started) / 1e6;

  console.log(
    `cold: ${cases.length} domains at once ${oursMs.toFixed(0)} ms; posttls-finger one by one ${fingerMs.toFixed(0)} ms`,
  );
  console.log(`cold ratio (ours / posttls-finger): ${(oursMs / fingerMs).toFixed(3)}  (target < 0.2)`);
  // Wall time on the bed includes the peers' own start-up (Postfix forks an smtpd per connection); this is ours.
  console.log(
    `our CPU for the cold run: ${oursCpuMs.toFixed(0)} ms (${(oursCpuMs / cases.length).toFixed(1)} ms per domain)`,
  );

  const domains = cases.map((c) => c.domain);
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
