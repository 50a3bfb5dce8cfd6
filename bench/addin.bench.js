// The Outlook add-in: bundle weights (the pane's initial JavaScript and the send handler, gzipped); the time from
// opening the pane to its full recipient list, on the try-it page in Chromium served as deployed (API tokens on)
// against the bed, cold (a fresh browser profile; the service's domain checks cold, then warm) and warm (the same
// browser again), over loopback and over an emulated office network (bench/pane-open.js), with what each opening
// fetched; and OpenPGP encryption of a 10 MiB attachment to 3 recipients by the pane's code against `gpg` on the
// same bytes. Prints figures; asserts nothing. Needs the bed (started here if it is not up), a build, and
// /usr/bin/chromium. In quick mode (bench/measure.js) the attachment is 1 MiB, each side encrypts it once, and the
// pane is opened in one round.
const { execFileSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, readFileSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { byMode } = require('./measure');
const { buildIfMissing, dist, requireTs } = require('./outlook-build');
const { NETWORKS, completionWatch, formatRequests, openPane, startService } = require('./pane-open');

const root = join(__dirname, '..');
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The scripts a page of the add-in names (its bundles are named by their content's hash). */
function scriptsOf(page) {
  const html = readFileSync(join(dist, page), 'utf8');
  return [...html.matchAll(/<script src="?([^" >]+)/g)]
    .map((match) => match[1])
    .filter((src) => !src.startsWith('http'));
}

function sizes() {
  const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
  const pane = scriptsOf('taskpane.html');
  const paneBytes = pane.reduce((sum, file) => sum + gz(file), 0);
  console.log(
    `initial pane JS (${pane.join(', ')}) gzipped: ${kib(paneBytes)} (target ≤ 250 KiB; openpgp.js and MSAL load later)`,
  );
  console.log(`send handler (launchevent.js) gzipped:  ${kib(gz('launchevent.js'))} (target ≤ 60 KiB)`);
}

/** A fresh browser profile: nothing in its HTTP cache or storage, as on a first open. */
async function freshBrowser(to) {
  const { launchChromium } = require('../test/helpers/chromium');
  const context = await launchChromium();
  await context.addInitScript({ content: completionWatch(to.length) });
  return context;
}

const RECIPIENTS = [
  'ann@dane-ee.sendguard.test',
  'bo@sts-enforce.sendguard.test',
  'cy@tls-valid.sendguard.test',
  'di@partial.sendguard.test',
  'ed@no-starttls.sendguard.test',
];

/**
 * Each round: a new service (no domain checked yet) and a fresh browser open the pane (cold, service cold); a
 * second fresh browser opens it on the now warm service (cold, service warm), then opens it again twice (warm: its
 * HTTP cache, the code cache Chromium keeps for scripts run before, the stored policy). Best of the rounds; the
 * request lists are the last round's.
 */
async function paneTimes(name, network) {
  const to = RECIPIENTS;
  const best = { serviceCold: [], serviceWarm: [], warm: [] };
  const lists = {};
  for (let round = 0; round < byMode(3, 1); round++) {
    const service = await startService();
    try {
      const first = await freshBrowser(to);
      try {
        best.serviceCold.push(await openPane(first, service, to, network));
      } finally {
        await first.close();
      }
      const second = await freshBrowser(to);
      try {
        const cold = await openPane(second, service, to, network);
        const warm = await openPane(second, service, to, network);
        best.serviceWarm.push(cold);
        best.warm.push(warm, await openPane(second, service, to, network));
        Object.assign(lists, { cold, warm });
      } finally {
        await second.close();
      }
    } finally {
      await service.close();
    }
  }
  const figure = (runs) => {
    const min = (key) => Math.min(...runs.map((r) => r[key])).toFixed(0);
    return `${min('complete')} ms (first recipient ${min('first')} ms)`;
  };
  const rounds = best.serviceWarm.length;
  const over = network ? `an ${name} network (${network.about})` : name;
  console.log(
    `pane open → full list of ${to.length} recipients, try-it page with API tokens, over ${over}, best of ${rounds}:`,
  );
  console.log(`  cold, service cold: ${figure(best.serviceCold)} (target < 1500 ms; bed domains check fast)`);
  console.log(`  cold, service warm: ${figure(best.serviceWarm)} (target < 1500 ms)`);
  console.log(`  warm:               ${figure(best.warm)} (target < 300 ms)`);
  console.log(`  requests of a cold open (service warm):\n${formatRequests(lists.cold.requests)}`);
  console.log(`  requests of a warm open:\n${formatRequests(lists.warm.requests)}`);
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
  // The pane's own pgp.ts.
  const { encryptMessage } = requireTs('addin/protect/pgp.ts');
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
  execFileSync(join(root, 'test', 'testbed', 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const [name, network] of Object.entries(NETWORKS)) await paneTimes(name, network);
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
