// Key discovery on the offline test bed: a batch of addresses looked up cold (all at once, every source asked)
// and warm (from the cache), with latency per address, and warm lookups per second against a bare Map lookup in
// the same process. The cache and the pins are the store's as a node runs it (bench/store.js). Needs the bed
// (started here if it is not up) and a build.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { setMaxListeners } = require('node:events');
const { asyncOpsPerSecond } = require('./measure');
const { openBenchStore } = require('./store');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const bed = JSON.parse(readFileSync(join(bedDir, 'run', 'bed.json'), 'utf8'));
const { createDnsClient, parseServerSpec, addressResolver } = require(join(root, 'dist', 'server', 'dns'));
const { CachingKeyService } = require(join(root, 'dist', 'server', 'keys'));

const addresses = JSON.parse(readFileSync(join(bedDir, 'key-cases.json'), 'utf8'))
  .map((c) => c.address)
  .filter((address, i, all) => all.indexOf(address) === i);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** One signal shared by many lookups, each of which may listen on it. */
function sharedSignal() {
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  return signal;
}

async function timed(service, list) {
  const signal = sharedSignal();
  const latencies = await Promise.all(
    list.map(async (address) => {
      const started = process.hrtime.bigint();
      await service.lookup(address, { signal });
      return Number(process.hrtime.bigint() - started) / 1e6;
    }),
  );
  return latencies.sort((a, b) => a - b);
}

async function main() {
  const dns = createDnsClient({ servers: [parseServerSpec(bed.dns)], trustAd: true });
  const store = openBenchStore();
  const service = new CachingKeyService(
    {
      network: {
        resolveAddresses: addressResolver(dns),
        allowPrivateAddresses: true,
        ca: readFileSync(bed.caFile),
      },
      dns,
      pins: store.pins,
    },
    {
      minRsaBits: 2048,
      allowLegacyAlgorithms: false,
      vksBaseUrl: 'https://keys.sendguard.test',
      cache: store.keyVerdicts,
    },
  );
  let started = Date.now();
  const cold = await timed(service, addresses);
  const coldTotal = Date.now() - started;
  started = Date.now();
  const warm = await timed(service, addresses);
  const warmTotal = Date.now() - started;
  console.log(
    `cold: ${addresses.length} addresses at once in ${coldTotal} ms; per address p50 ${percentile(cold, 50).toFixed(1)} ms, p99 ${percentile(cold, 99).toFixed(1)} ms`,
  );
  console.log(
    `warm: ${addresses.length} addresses in ${warmTotal} ms; per address p50 ${percentile(warm, 50).toFixed(3)} ms, p99 ${percentile(warm, 99).toFixed(3)} ms`,
  );

  const signal = sharedSignal();
  let i = 0;
  const perSecond = await asyncOpsPerSecond(() =>
    service.lookup(addresses[i++ % addresses.length], { signal }),
  );
  const map = new Map(addresses.map((a) => [a, {}]));
  const reference = await asyncOpsPerSecond(async () => map.get(addresses[i++ % addresses.length]));
  await store.close();
  console.log(
    `warm lookups: ${perSecond.toFixed(0)} /s; awaited bare Map.get ${reference.toFixed(0)} /s; ratio ${(perSecond / reference).toFixed(3)}`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
