// The transport check on the offline test bed, against Postfix's posttls-finger run once per domain on the same
// bed (the anchor: per-MX TLS and DANE truth, one process per domain). Prints:
//  - cold: all reachable bed domains checked at once by us, over the sum of posttls-finger runs (target < 0.2);
//  - warm: cached verdict lookups per second in-process (target > 100,000/s), against a bare Map lookup;
//  - memory per cached domain report.
// Needs the bed (test/testbed/up.sh, started here if it is not up) and a build (npm run bench builds first).
const { execFileSync, execFile } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { promisify } = require('node:util');
const { opsPerSecond } = require('./measure');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const bed = JSON.parse(readFileSync(join(bedDir, 'run', 'bed.json'), 'utf8'));
const { createDnsClient, parseServerSpec } = require(join(root, 'dist', 'server', 'dns'));
const { TransportService, MemoryReportCache } = require(join(root, 'dist', 'server', 'transport', 'service'));

// Hostile and mail-less cases measure time-outs, not work: posttls-finger would wait 30 s on the tarpit.
const cases = JSON.parse(readFileSync(join(bedDir, 'cases.json'), 'utf8')).filter(
  (c) => !['unknown', 'no-mail'].includes(c.expect),
);

function newService() {
  return new TransportService({
    deps: {
      dns: createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true }),
      heloName: 'bench.sendguard.test',
      allowPrivateAddresses: true,
      ca: readFileSync(bed.caFile),
    },
    checkDeadlineMs: 10_000,
  });
}

async function main() {
  const service = newService();
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
  const warm = opsPerSecond(() => service.cached(domains[i++ % domains.length]));
  const plain = new Map(domains.map((d) => [d, {}]));
  const reference = opsPerSecond(() => plain.get(domains[i++ % domains.length]));
  console.log(
    `warm cached lookups: ${warm.toFixed(0)} /s  (target > 100000/s); bare Map.get ${reference.toFixed(0)} /s, ratio ${(warm / reference).toFixed(2)}`,
  );

  const sample = service.cached('dane-ee.sendguard.test');
  if (!sample) throw new Error('the dane-ee report is no longer cached');
  const cache = new MemoryReportCache();
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const count = 20_000;
  for (let n = 0; n < count; n++) cache.set(`d${n}.example`, structuredClone(sample), Date.now() + 3_600_000);
  global.gc?.();
  const perDomain = (process.memoryUsage().heapUsed - before) / count;
  // Reading the cache after the measurement keeps it reachable through the last collection.
  const kept = cache.get('d0.example') ? count : 0;
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
