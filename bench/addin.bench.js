// The Outlook add-in: bundle weights (initial pane JavaScript and the send handler, gzipped), time from opening
// the pane to the first complete recipient list in Chromium against the bed (cold server, then warm), and OpenPGP
// encryption of a 10 MiB attachment to 3 recipients by the pane's code against `gpg` on the same bytes. Prints
// figures; asserts nothing. Needs the bed (started here if it is not up), a build, and /usr/bin/chromium. In
// quick mode (bench/measure.js) the attachment is 1 MiB and each side encrypts it once.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { byMode } = require('./measure');

const root = join(__dirname, '..');
const dist = join(root, 'dist', 'web', 'outlook');
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function buildIfMissing() {
  if (['taskpane.js', 'launchevent.js', 'tryit/tryit.js'].every((f) => existsSync(join(dist, f)))) return;
  execFileSync(
    join(root, 'node_modules', '.bin', 'webpack'),
    ['--config-name', 'outlook-pane', '--config-name', 'outlook-launchevent'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

function sizes() {
  const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
  console.log(
    `initial pane JS (taskpane.js) gzipped: ${kib(gz('taskpane.js'))} (target ≤ 250 KiB; openpgp.js loads later)`,
  );
  console.log(`send handler (launchevent.js) gzipped:  ${kib(gz('launchevent.js'))} (target ≤ 60 KiB)`);
}

async function paneTimes() {
  execFileSync(join(root, 'test', 'testbed', 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
  const bed = JSON.parse(readFileSync(join(root, 'test', 'testbed', 'run', 'bed.json'), 'utf8'));
  const { parseConfig } = require(join(root, 'dist', 'server', 'config', 'load'));
  const { createServer } = require(join(root, 'dist', 'server', 'serve'));
  const { launchChromium } = require('../test/helpers/chromium');
  const dataDir = mkdtempSync(join(tmpdir(), 'sendguard-bench-'));
  const server = await createServer(
    parseConfig({
      listen: { host: '127.0.0.1', port: 0 },
      dataDir,
      dns: { servers: [bed.dns] },
      caFile: bed.caFile,
      allowPrivateAddresses: true,
      auth: { devNoAuth: true },
      tls: { enabled: false },
      keys: { vksUrl: 'https://keys.sendguard.test' },
      limits: { assessDeadlineMs: 3000 },
      logLevel: 'silent',
    }),
  );
  const base = await server.app.listen({ host: '127.0.0.1', port: 0 });
  const context = await launchChromium();
  const to = [
    'ann@dane-ee.sendguard.test',
    'bo@sts-enforce.sendguard.test',
    'cy@tls-valid.sendguard.test',
    'di@partial.sendguard.test',
    'ed@no-starttls.sendguard.test',
  ];
  const once = async () => {
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${base}/try/?to=${encodeURIComponent(to.join(','))}`);
    // Complete: every recipient has a badge and no check is still running.
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('[data-protection]').length === n &&
        !document.body.textContent.includes('still running'),
      to.length,
      { timeout: 60_000, polling: 20 },
    );
    const ms = Date.now() - started;
    await page.close();
    return ms;
  };
  try {
    const cold = await once();
    const warm = await once();
    console.log(`pane open → complete list of ${to.length} recipients: cold ${cold} ms, warm ${warm} ms`);
  } finally {
    await context.close();
    await server.close();
  }
}

/**
 * The pane's own pgp.ts, with the TypeScript modules it imports, compiled on the fly as Node requires them
 * (src/addin is bundled by webpack, not built to dist).
 */
function loadPgp() {
  const { transformFileSync } = require('@swc/core');
  Module._extensions['.ts'] = (m, file) => {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    m._compile(code, file);
  };
  return require(join(root, 'src', 'addin', 'protect', 'pgp.ts'));
}

async function pgpRatio() {
  const home = mkdtempSync(join(tmpdir(), 'sendguard-bench-gpg-'));
  const gpg = (args, input) =>
    execFileSync('gpg', ['--homedir', home, '--batch', '--yes', ...args], {
      input,
      maxBuffer: 64 << 20,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  const uids = ['a@bench.example', 'b@bench.example', 'c@bench.example'];
  for (const uid of uids)
    gpg(['--passphrase', '', '--quick-gen-key', uid, 'future-default', 'default', 'never']);
  const keys = uids.map((uid) => gpg(['--armor', '--export', uid]).toString());
  const size = byMode(10, 1);
  const data = randomBytes(size * 1024 * 1024);
  const input = join(home, 'file.bin');
  writeFileSync(input, data);
  const { encryptMessage } = loadPgp();
  const best = async (fn) => {
    let min = Infinity;
    for (let i = 0; i < byMode(3, 1); i++) {
      const started = process.hrtime.bigint();
      await fn();
      min = Math.min(min, Number(process.hrtime.bigint() - started) / 1e6);
    }
    return min;
  };
  const ours = await best(() =>
    encryptMessage({ text: '', attachments: [{ name: 'file.bin', data }], keys }),
  );
  const theirs = await best(async () =>
    gpg([
      '--trust-model',
      'always',
      '--compress-algo',
      'none',
      ...uids.flatMap((u) => ['-r', u]),
      '--output',
      join(home, 'out.gpg'),
      '--encrypt',
      input,
    ]),
  );
  console.log(
    `OpenPGP, ${size} MiB attachment to 3 recipients: openpgp.js ${ours.toFixed(0)} ms, gpg ${theirs.toFixed(0)} ms, ratio ${(ours / theirs).toFixed(2)} (target ≤ 1.5)`,
  );
  rmSync(home, { recursive: true, force: true });
}

(async () => {
  buildIfMissing();
  sizes();
  await pgpRatio();
  await paneTimes();
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
