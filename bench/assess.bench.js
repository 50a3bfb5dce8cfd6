// Warm POST /api/v1/assess for a 20-recipient message, as deployed (authentication on: an API token as
// `sendguard token issue` makes), on each store side by side: SQLite in a data directory, and a private
// PostgreSQL (test/helpers/postgres-cluster.js, as the tests start it).
//
// The reference is a bare Fastify route in the same process that parses the same body and answers a JSON of the
// same size as ours: the service's own warm answer, kept as an object and serialised by Fastify for every request.
// A small JSON would make the reference cheaper by the work any answer of 20 kB costs (serialising and writing
// it), which no assess route can avoid, and so count that work against the route.
//
// The load generator runs in a child process (bench/load.js), the same for both: in this process its HTTP client
// would take a share of the event loop that depends on the server's speed. The machine has two cores, and a client
// reading 20 kB answers is about as busy as the bare route itself, so the bare route's requests per second are
// bounded by the client as much as by its own work. The ratio is therefore taken on the CPU time this process (the
// server) spends per request, every thread counted: requests per CPU second, what each route serves on one core
// it has to itself. Requests per second as measured are printed too.
//
// Prints each store's ratio (target ≥ 0.5) and assess latency p50/p99 one request at a time (target p99 under
// 10 ms warm). Needs the bed and a build.
const { execFileSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { loadFromChild } = require('./load');
const { startPostgresCluster } = require('../test/helpers/postgres-cluster');

const root = join(__dirname, '..');
const bedDir = join(root, 'test', 'testbed');
execFileSync(join(bedDir, 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
const bed = JSON.parse(readFileSync(join(bedDir, 'run', 'bed.json'), 'utf8'));
const Fastify = require('fastify');
const { parseConfig } = require(join(root, 'dist', 'server', 'config', 'load'));
const { createServer } = require(join(root, 'dist', 'server', 'serve'));
const { openServiceStore } = require(join(root, 'dist', 'server', 'store', 'open'));
const { issueApiToken } = require(join(root, 'dist', 'server', 'auth'));

const domains = ['dane-ee', 'sts-enforce', 'tls-valid', 'partial', 'no-starttls', 'legacy-tls', 'dane-ta'];
const recipients = Array.from(
  { length: 20 },
  (_, i) => `person${i}@${domains[i % domains.length]}.sendguard.test`,
);
recipients[0] = 'alice@wkd.sendguard.test';
const body = { recipients };

/** A folder for this run, removed at the end. */
function tempDir(name) {
  return mkdtempSync(join(tmpdir(), `sendguard-bench-${name}-`));
}

/** The service on `database` (none: SQLite in `dataDir`) and a sender's API token for it. */
async function startService(dataDir, database) {
  const config = parseConfig({
    listen: { host: '127.0.0.1', port: 0 },
    dataDir,
    database,
    tls: { enabled: false },
    dns: { servers: [bed.dns] },
    caFile: bed.caFile,
    allowPrivateAddresses: true,
    keys: { vksUrl: bed.vksBaseUrl ?? 'https://keys.sendguard.test' },
    logLevel: 'silent',
    // The bench measures throughput, not the limiter: the counters still count every request in the store.
    limits: {
      rateLimit: { perIp: { max: 1e9, windowMs: 60_000 }, perCaller: { max: 1e9, windowMs: 60_000 } },
    },
  });
  // What `sendguard token issue` does: the token goes into the store the service then opens.
  const store = await openServiceStore(config);
  const { token } = await issueApiToken(store.tokens, { name: 'bench', role: 'sender' }).finally(() =>
    store.close(),
  );
  const server = await createServer(config);
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, url, headers: { authorization: `Bearer ${token}` } };
}

/** `load` from a child process, with the CPU time this process (the server) spent per request meanwhile. */
async function measure(options) {
  const before = process.cpuUsage();
  const result = await loadFromChild(options);
  const { user, system } = process.cpuUsage(before);
  return { ...result, cpuPerRequestUs: (user + system) / result.requests };
}

/** Asks until every check has finished (the first call starts them); the warm answer, parsed. */
async function warmAnswer(url, headers) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (answer.status !== 200) throw new Error(`assess answered ${answer.status}: ${await answer.text()}`);
    const parsed = await answer.json();
    if (!parsed.partial) return parsed;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('assess still answers with checks under way after 15 s');
}

/**
 * Warm assess on one store: the bare route answering the same answer, then assess for many senders at once, then
 * one at a time.
 */
async function measureAssess(dataDir, database, bare) {
  const { server, url, headers } = await startService(dataDir, database);
  try {
    const request = { url: `${url}/api/v1/assess`, method: 'POST', body, headers };
    bare.answer = await warmAnswer(request.url, headers);
    const bareRequest = { url: `${bare.url}/echo`, method: 'POST', body };
    // Warm as a running service is: each route's code compiled by V8 under load before it is measured. Otherwise
    // the store measured first pays the compilation of the whole path, and the other store's run does not.
    await loadFromChild({ ...bareRequest, seconds: 1 });
    await loadFromChild({ ...request, seconds: 1 });
    // The reference right before, so that both see the machine as busy as it is now.
    const reference = await measure(bareRequest);
    const many = await measure(request);
    // One sender at a time: the latency a send check sees when the server is not saturated.
    const single = await measure({ ...request, concurrency: 1, seconds: 2 });
    return { reference, many, single };
  } finally {
    await server.close();
  }
}

const ms = (value) => `${value.toFixed(2)} ms`;

async function main() {
  const bare = { answer: {} };
  const reference = Fastify();
  reference.post('/echo', async () => bare.answer);
  bare.url = await reference.listen({ host: '127.0.0.1', port: 0 });

  const sqliteDir = tempDir('sqlite');
  const postgresDir = tempDir('postgres');
  const nodeDir = tempDir('node');
  // Handed over before the server starts, so that a start that fails half-way is stopped too.
  let stopPostgres = async () => {};
  try {
    const sqlite = await measureAssess(sqliteDir, {}, bare);
    const postgres = await startPostgresCluster({ dir: postgresDir, track: (stop) => (stopPostgres = stop) });
    const onPostgres = await measureAssess(nodeDir, { url: postgres.url }, bare);

    console.log(
      'assess, 20 recipients, warm, with an API token, against a bare Fastify route answering the same JSON just before it:',
    );
    const us = (value) => `${value.toFixed(0)} µs`;
    const rows = [
      [
        'store',
        'bare req/s',
        'req/s',
        'bare CPU/req',
        'CPU/req',
        'ratio to bare',
        'p50',
        'p99',
        'p50 alone',
        'p99 alone',
        'failures',
      ],
      ...[
        ['SQLite', sqlite],
        ['PostgreSQL', onPostgres],
      ].map(([name, { reference, many, single }]) => [
        name,
        reference.perSecond.toFixed(0),
        many.perSecond.toFixed(0),
        us(reference.cpuPerRequestUs),
        us(many.cpuPerRequestUs),
        (reference.cpuPerRequestUs / many.cpuPerRequestUs).toFixed(2),
        ms(many.p50),
        ms(many.p99),
        ms(single.p50),
        ms(single.p99),
        String(reference.failures + many.failures + single.failures),
      ]),
    ];
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    for (const row of rows) console.log(`  ${row.map((cell, i) => cell.padEnd(widths[i])).join('  ')}`);
    console.log(
      "ratio to bare: requests per CPU second of this process (the server), the bare route's over assess's",
    );
    console.log('targets: ratio to bare ≥ 0.5; p99 one request at a time ("p99 alone") under 10 ms');
  } finally {
    await reference.close();
    await stopPostgres();
    for (const dir of [sqliteDir, postgresDir, nodeDir]) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
