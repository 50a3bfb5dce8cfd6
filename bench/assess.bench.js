// Warm POST /api/v1/assess for a 20-recipient message, against a bare Fastify route in the same process that
// parses the same body and answers a small JSON (the floor any Fastify service pays). Prints the throughput
// ratio (target ≥ 0.5) and assess latency p50/p99 (target p99 under 10 ms warm). Needs the bed and a build.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { load } = require('./load');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const bed = JSON.parse(readFileSync(join(bedDir, 'run', 'bed.json'), 'utf8'));
const Fastify = require('fastify');
const { parseConfig } = require(join(root, 'dist', 'server', 'config', 'load'));
const { createServer } = require(join(root, 'dist', 'server', 'serve'));

const domains = ['dane-ee', 'sts-enforce', 'tls-valid', 'partial', 'no-starttls', 'legacy-tls', 'dane-ta'];
const recipients = Array.from(
  { length: 20 },
  (_, i) => `person${i}@${domains[i % domains.length]}.sendguard.test`,
);
recipients[0] = 'alice@wkd.sendguard.test';

async function main() {
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir: mkdtempSync(join(tmpdir(), 'sendguard-bench-')),
    tls: { enabled: false },
    dns: { servers: [bed.dns] },
    caFile: bed.caFile,
    allowPrivateAddresses: true,
    auth: { devNoAuth: true },
    keys: { vksUrl: bed.vksBaseUrl ?? 'https://keys.sendguard.test' },
    logLevel: 'silent',
    // The bench measures throughput, not the limiter.
    limits: {
      rateLimit: { perIp: { max: 1e9, windowMs: 60_000 }, perCaller: { max: 1e9, windowMs: 60_000 } },
    },
  });
  const server = await createServer(config);
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const bare = Fastify();
  bare.post('/echo', async (request) => ({ count: request.body.recipients.length }));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  const body = { recipients };
  // Warm: the first call checks every domain and key; later ones answer from the caches.
  for (let i = 0; i < 3; i++) {
    await fetch(`${url}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }
  const reference = await load({ url: `${bareUrl}/echo`, method: 'POST', body });
  const assess = await load({ url: `${url}/api/v1/assess`, method: 'POST', body });
  // One sender at a time: the latency a send check sees when the server is not saturated.
  const single = await load({
    url: `${url}/api/v1/assess`,
    method: 'POST',
    body,
    concurrency: 1,
    seconds: 2,
  });
  console.log(
    `bare Fastify route: ${reference.perSecond.toFixed(0)} req/s (p50 ${reference.p50.toFixed(2)} ms, p99 ${reference.p99.toFixed(2)} ms)`,
  );
  console.log(
    `assess, 20 recipients, warm: ${assess.perSecond.toFixed(0)} req/s (p50 ${assess.p50.toFixed(2)} ms, p99 ${assess.p99.toFixed(2)} ms), ${assess.failures} failures`,
  );
  console.log(
    `assess, one request at a time: p50 ${single.p50.toFixed(2)} ms, p99 ${single.p99.toFixed(2)} ms  (target p99 under 10 ms)`,
  );
  console.log(
    `throughput ratio assess / bare: ${(assess.perSecond / reference.perSecond).toFixed(2)}  (target ≥ 0.5)`,
  );
  await bare.close();
  await server.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
