// Escrow in Chromium: encrypt and decrypt 25 MiB with the STREAM format (src/core/escrow) against WebCrypto's
// own one-shot AES-256-GCM of the same bytes in the same page (target: within 1.5x), with peak memory; then the
// create-and-pickup round trip (add-in library -> server -> portal client, same page) on loopback.
// Prints figures and ratios, asserts nothing. Needs `npm run build` (dist/server) and /usr/bin/chromium. The
// server keeps its state in the service's SQLite store in a fresh data directory, as a single node does. In quick
// mode (bench/measure.js): 2 MiB, one timed run per phase, 3 round trips.
const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const webpack = require('webpack');
const Fastify = require('fastify');
const { launchChromium } = require('../test/helpers/chromium');
const { byMode } = require('./measure');

const ROOT = join(__dirname, '..');
const SIZE = byMode(25, 2) * 1024 * 1024;
const ROUND_TRIPS = byMode(20, 3);
/** Timed runs per phase; the median is printed. */
const TIMED_RUNS = byMode(3, 1);

/** The page's script: the real client modules from src/, bundled the way the portal is. */
async function bundle() {
  const dir = mkdtempSync(join(tmpdir(), 'sendguard-escrow-bench-'));
  const src = (path) => JSON.stringify(join(ROOT, 'src', path));
  writeFileSync(
    join(dir, 'entry.ts'),
    `import { byteSource } from ${src('core/escrow/byte-source')};
     import { encryptStream, decryptStream } from ${src('core/escrow/stream-cipher')};
     import { parseFragment } from ${src('core/escrow/link')};
     import { escrowMessage } from ${src('addin/protect/escrow/escrow-message')};
     import { PickupClient } from ${src('portal/pickup-client')};
     (window as any).escrowBench = { byteSource, encryptStream, decryptStream, parseFragment, escrowMessage, PickupClient };`,
  );
  const all = require(join(ROOT, 'webpack.config.js'))({}, { mode: 'production' });
  const portal = all.find((c) => c.name === 'portal');
  const config = {
    ...portal,
    name: 'escrow-bench',
    devtool: false,
    entry: { bench: join(dir, 'entry.ts') },
    output: { path: dir, filename: 'bench.js' },
    plugins: [],
    resolve: { ...portal.resolve, modules: [join(ROOT, 'node_modules')] },
    resolveLoader: { modules: [join(ROOT, 'node_modules')] },
  };
  await new Promise((resolve, reject) =>
    webpack(config, (err, stats) =>
      err || stats.hasErrors() ? reject(err ?? new Error(stats.toString('errors-only'))) : resolve(),
    ),
  );
  return readFileSync(join(dir, 'bench.js'), 'utf8');
}

async function server(script) {
  const { default: escrowPlugin, PORTAL_HEADERS } = require(join(ROOT, 'dist/server/escrow/plugin.js'));
  const { default: authPlugin } = require(join(ROOT, 'dist/server/auth/plugin.js'));
  const { parseConfig } = require(join(ROOT, 'dist/server/config/load.js'));
  const { openSqliteStore } = require(join(ROOT, 'dist/server/store/sqlite.js'));
  const codes = new Map();
  const app = Fastify({ logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://localhost:${app.server.address().port}`;
  await app.close();
  const config = parseConfig({
    publicUrl: url,
    dataDir: mkdtempSync(join(tmpdir(), 'sendguard-escrow-bench-data-')),
    escrow: {
      perIp: { max: 100000, windowMs: 60000 },
      codesPerRecipientPerHour: 20,
      maxMessageBytes: 1024 * 1024 * 1024,
    },
  });
  const store = openSqliteStore(config.dataDir);
  const real = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  real.addHook('onClose', () => store.close());
  await real.register(
    async (api) => {
      // Dev mode: the bench's own loopback server, every caller the same sender.
      await api.register(authPlugin, { auth: { apiTokens: false, devNoAuth: true }, tokens: {} });
      await api.register(escrowPlugin, {
        prefix: '/escrow',
        config: {
          ...config.escrow,
          publicUrl: config.publicUrl,
          dataDir: config.dataDir,
          purgeIntervalMs: config.purgeIntervalMs,
        },
        store,
        mailer: { send: async (mail) => codes.set(mail.to, /Your code is (\d+)/.exec(mail.text)?.[1]) },
      });
    },
    { prefix: '/api/v1' },
  );
  const page =
    '<!doctype html><meta charset="utf-8"><title>escrow bench</title><script src="bench.js"></script>';
  real.get('/bench/', (_req, reply) => reply.headers(PORTAL_HEADERS).type('text/html').send(page));
  real.get('/bench/bench.js', (_req, reply) =>
    reply.headers(PORTAL_HEADERS).type('text/javascript').send(script),
  );
  real.get('/bench/code', (req, reply) => reply.send({ code: codes.get(req.query.to) }));
  await real.listen({ host: '127.0.0.1', port: Number(new URL(url).port) });
  return { app: real, url };
}

/** Peak of JS heap plus ArrayBuffer backing stores while `run` goes, sampled over CDP. */
async function peakMemory(cdp, run) {
  let peak = 0;
  let sampling = true;
  const sample = async () => {
    while (sampling) {
      const usage = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usage.usedSize + (usage.backingStorageSize ?? 0));
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const sampler = sample();
  try {
    return { result: await run(), peak };
  } finally {
    sampling = false;
    await sampler;
  }
}

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

async function main() {
  const script = await bundle();
  const { app, url } = await server(script);
  const context = await launchChromium();
  try {
    const page = await context.newPage();
    await page.goto(`${url}/bench/`);
    const cdp = await context.newCDPSession(page);
    await page.evaluate((size) => {
      const data = new Uint8Array(size);
      for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
      window.benchData = data;
      window.benchKey = crypto.getRandomValues(new Uint8Array(32));
    }, SIZE);

    const phases = {
      'one-shot encrypt': () =>
        page.evaluate(async () => {
          const key = await crypto.subtle.importKey('raw', window.benchKey, 'AES-GCM', false, [
            'encrypt',
            'decrypt',
          ]);
          const iv = new Uint8Array(12);
          const t = performance.now();
          window.oneShot = new Uint8Array(
            await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, window.benchData),
          );
          return performance.now() - t;
        }),
      'one-shot decrypt': () =>
        page.evaluate(async () => {
          const key = await crypto.subtle.importKey('raw', window.benchKey, 'AES-GCM', false, ['decrypt']);
          const t = performance.now();
          await crypto.subtle.decrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, window.oneShot);
          return performance.now() - t;
        }),
      // The reference for a File/Blob: read it whole, then one call (what an implementation without streaming does).
      'one-shot enc (Blob)': () =>
        page.evaluate(async () => {
          const key = await crypto.subtle.importKey('raw', window.benchKey, 'AES-GCM', false, ['encrypt']);
          const file = new Blob([window.benchData]);
          const t = performance.now();
          await crypto.subtle.encrypt(
            { name: 'AES-GCM', iv: new Uint8Array(12) },
            key,
            await file.arrayBuffer(),
          );
          return performance.now() - t;
        }),
      'STREAM encrypt': () =>
        page.evaluate(async () => {
          const { encryptStream, byteSource } = window.escrowBench;
          const t = performance.now();
          const parts = [];
          for await (const chunk of encryptStream(window.benchKey, byteSource(window.benchData)).chunks)
            parts.push(chunk);
          const elapsed = performance.now() - t;
          window.sealed = new Uint8Array(await new Blob(parts).arrayBuffer());
          return elapsed;
        }),
      'STREAM decrypt': () =>
        page.evaluate(async () => {
          const { decryptStream, byteSource } = window.escrowBench;
          const t = performance.now();
          const parts = [];
          for await (const chunk of decryptStream(window.benchKey, byteSource(window.sealed)))
            parts.push(chunk);
          return performance.now() - t;
        }),
      // What the add-in and the portal really do: a File/Blob in (read in windows), chunks out.
      'STREAM enc (Blob)': () =>
        page.evaluate(async () => {
          const { encryptStream, byteSource } = window.escrowBench;
          const file = new Blob([window.benchData]);
          const t = performance.now();
          const parts = [];
          for await (const chunk of encryptStream(window.benchKey, byteSource(file)).chunks)
            parts.push(chunk);
          return performance.now() - t;
        }),
      'STREAM dec (Blob)': () =>
        page.evaluate(async () => {
          const { decryptStream, byteSource } = window.escrowBench;
          const download = new Blob([window.sealed]);
          const t = performance.now();
          const parts = [];
          for await (const chunk of decryptStream(window.benchKey, byteSource(download))) parts.push(chunk);
          return performance.now() - t;
        }),
    };
    const figures = {};
    for (const [name, run] of Object.entries(phases)) {
      await run(); // warm-up
      // Timed runs without the memory sampler (its CDP round trips would slow the page), then one sampled run.
      const times = [];
      for (let i = 0; i < TIMED_RUNS; i++) times.push(await run());
      const ms = times.sort((a, b) => a - b)[Math.floor(TIMED_RUNS / 2)];
      await cdp.send('HeapProfiler.collectGarbage');
      const { peak } = await peakMemory(cdp, run);
      figures[name] = { ms, peak };
      console.log(
        `${name.padEnd(18)} ${ms.toFixed(0).padStart(5)} ms  ${(SIZE / 1024 / 1024 / (ms / 1000)).toFixed(0).padStart(5)} MB/s  peak ${mib(peak)} MiB`,
      );
    }
    const ratio = (ours, reference) => `${(figures[ours].ms / figures[reference].ms).toFixed(2)}x`;
    console.log(
      `encrypt ratio, bytes in memory (STREAM / one-shot): ${ratio('STREAM encrypt', 'one-shot encrypt')} (target <= 1.5x)`,
    );
    console.log(
      `decrypt ratio, bytes in memory (STREAM / one-shot): ${ratio('STREAM decrypt', 'one-shot decrypt')} (target <= 1.5x)`,
    );
    console.log(
      `encrypt ratio, File/Blob in (STREAM / read whole + one-shot): ${ratio('STREAM enc (Blob)', 'one-shot enc (Blob)')}`,
    );

    const latencies = await page.evaluate(
      async ({ rounds, origin }) => {
        const { escrowMessage, PickupClient, parseFragment } = window.escrowBench;
        const out = [];
        for (let i = 0; i < rounds; i++) {
          const to = `r${i}@bench.test`;
          const t = performance.now();
          const sent = await escrowMessage({
            backendUrl: origin,
            token: 'dev',
            sender: { name: 'Bench', address: 'bench@bench.test' },
            message: {
              subject: 'bench',
              html: '<p>hello</p>',
              text: 'hello',
              attachments: [
                { name: 'a.bin', type: 'application/octet-stream', data: new Uint8Array(100 * 1024) },
              ],
            },
            recipients: [{ address: to, proof: 'code' }],
            expiryDays: 1,
          });
          const client = new PickupClient(parseFragment(new URL(sent.pickupUrl).hash), {
            apiBase: `${origin}/api/v1/escrow`,
            fetch: window.fetch.bind(window),
          });
          await client.requestCode(to);
          let code;
          while (!code) code = (await (await fetch(`/bench/code?to=${encodeURIComponent(to)}`)).json()).code;
          await client.verify(to, code);
          await client.open();
          await client.attachment(0);
          out.push(performance.now() - t);
        }
        return out.sort((a, b) => a - b);
      },
      { rounds: ROUND_TRIPS, origin: url },
    );
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(0);
    console.log(
      `create-and-pickup round trip (100 KiB attachment, loopback, ${ROUND_TRIPS} runs): median ${pct(0.5)} ms, p90 ${pct(0.9)} ms`,
    );
  } finally {
    await context.close();
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
