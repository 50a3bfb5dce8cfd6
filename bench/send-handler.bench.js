// Outlook's send check as Outlook runs it: how long the send handler takes from the Send press to its answer
// (event.completed), cold (nothing prefetched: it asks the service for the policy and the assessment) and warm (the
// recipient-change check ran first and kept its answers: no question to the service). Measured in a bare context
// like classic Outlook's JavaScript-only runtime (no DOM; the built launchevent.js over the simulated Outlook item),
// warm both in the same runtime and in one started anew for the send (the item's session data), and on the try-it
// page in Chromium (the event runtime's page build beside the pane); each over loopback and over an emulated office
// network. The service is the built one, as deployed (API tokens on), on the bed, its domain checks warmed first so
// that what is timed is the add-in's path. Outlook shows "taking longer" at 5 s; the target for a warm send is under
// 1 s. Prints figures; asserts nothing. Needs the bed (started here if it is not up), a build, /usr/bin/chromium.
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');
const { byMode } = require('./measure');
const { buildIfMissing, dist, requireTs } = require('./outlook-build');
const { NETWORKS, startService } = require('./pane-open');

const root = join(__dirname, '..');
const RECIPIENTS = [
  'ann@dane-ee.sendguard.test',
  'bo@sts-enforce.sendguard.test',
  'cy@tls-valid.sendguard.test',
];
const IBAN_BODY = 'Please pay the refund to IBAN DE89 3704 0044 0532 0130 00 today.';
const SESSION_KEY = 'sendguard-prefetched';
const ROUNDS = byMode(15, 2);

/** Asks until every check of the recipients has finished: the service warm, as it is for a sender's second message. */
async function warmService(service) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const response = await fetch(`${service.base}/api/v1/assess`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.token}` },
      body: JSON.stringify({ recipients: RECIPIENTS }),
    });
    if (!(await response.json()).partial) return;
  }
  throw new Error('the bed did not settle');
}

/** Node's fetch with half of `rttMs` before the request leaves and half before its answer arrives. */
function fetchOver(rttMs) {
  const wait = () => new Promise((resolve) => setTimeout(resolve, rttMs / 2));
  return async (...args) => {
    if (rttMs) await wait();
    const response = await fetch(...args);
    if (rttMs) await wait();
    return response;
  };
}

/**
 * The bare runtime: a fresh context with only what classic Outlook's JavaScript-only runtime has, the built
 * handler loaded into it, over the simulated item holding `state`.
 */
function bareRuntime(source, simulateOffice, service, fetchImpl, state) {
  const sim = simulateOffice({ state });
  const context = vm.createContext({
    Office: { ...sim.office, onReady: () => new Promise(() => undefined) },
    fetch: fetchImpl,
    console,
    setTimeout,
    clearTimeout,
    SENDGUARD_CONFIG: { backendUrl: service.base, token: service.token },
  });
  vm.runInContext(source, context, { filename: 'launchevent.js' });
  return sim;
}

/** Runs one handler as Outlook does; ms to its event.completed, and what it completed with. */
function timedEvent(sim, name) {
  return new Promise((resolve) => {
    const started = performance.now();
    sim.actions.get(name)({ completed: (options) => resolve({ ms: performance.now() - started, options }) });
  });
}

/** A new message to the recipients, confidential by its body (the plan tags it for forced TLS). */
function composedState(emptyState) {
  const state = emptyState();
  state.to = RECIPIENTS.map((emailAddress) => ({ emailAddress, displayName: '' }));
  state.subject = 'Refund';
  state.text = IBAN_BODY;
  return state;
}

async function sent(timed) {
  const { ms, options } = await timed;
  if (!options?.allowEvent) throw new Error(`the send was stopped: ${options?.errorMessage}`);
  return ms;
}

/** Cold, warm in the same runtime, warm in a new runtime: ROUNDS of each, a new message each time. */
async function bareTimes(service, rttMs) {
  const source = readFileSync(join(dist, 'launchevent.js'), 'utf8');
  const { simulateOffice, emptyState } = requireTs('outlook/tryit/simulated-office.ts');
  const fetchImpl = fetchOver(rttMs);
  const runtime = (state) => bareRuntime(source, simulateOffice, service, fetchImpl, state);
  const times = { cold: [], sameRuntime: [], newRuntime: [] };
  for (let round = 0; round < ROUNDS; round++) {
    times.cold.push(await sent(timedEvent(runtime(composedState(emptyState)), 'onMessageSendHandler')));
    const composing = runtime(composedState(emptyState));
    await timedEvent(composing, 'onMessageRecipientsChangedHandler');
    if (!composing.state.session[SESSION_KEY]) throw new Error('the recipient-change check kept nothing');
    times.newRuntime.push(await sent(timedEvent(runtime(composing.state), 'onMessageSendHandler')));
    composing.state.subject = 'Refund';
    times.sameRuntime.push(await sent(timedEvent(composing, 'onMessageSendHandler')));
  }
  return times;
}

/** The try-it page's own measure of its last send (tryit.ts), once the alert says it was sent. */
async function pageSend(page) {
  await page.click('#send');
  await page.locator('#alert.sent, #alert.blocked').waitFor();
  const text = await page.textContent('#alert');
  if (!text.startsWith('Sent.')) throw new Error(`the send was stopped: ${text}`);
  return Number(await page.getAttribute('#alert', 'data-decided-in-ms'));
}

/** Cold (the recipients given in the address, no change event) and warm (typed: the change check ran). */
async function pageTimes(context, service, network) {
  const times = { cold: [], warm: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const page = await context.newPage();
    try {
      if (network) {
        const devtools = await context.newCDPSession(page);
        await devtools.send('Network.enable');
        await devtools.send('Network.emulateNetworkConditions', network.conditions);
      }
      const query = new URLSearchParams({
        token: service.token,
        to: RECIPIENTS.join(','),
        subject: 'Refund',
      });
      query.set('html', `<p>${IBAN_BODY}</p>`);
      await page.goto(`${service.base}/try/?${query}`);
      // The pane has planned the message: the page is loaded, and the sender would press Send now.
      await page.locator('[data-protection]').first().waitFor();
      times.cold.push(await pageSend(page));
      await page.fill('#subject', 'Refund');
      await page.fill('#to', '');
      await page.press('#to', 'Tab');
      await page.fill('#to', RECIPIENTS.join(', '));
      await page.press('#to', 'Tab');
      await page.waitForFunction(
        ([key, count]) => {
          const kept = window.sendguardTry.state.session[key];
          return kept !== undefined && JSON.parse(kept).addresses.length === count;
        },
        [SESSION_KEY, RECIPIENTS.length],
      );
      times.warm.push(await pageSend(page));
    } finally {
      await page.close();
    }
  }
  return times;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figure = (values) =>
  `median ${median(values).toFixed(1)} ms, best ${Math.min(...values).toFixed(1)} ms, worst ${Math.max(...values).toFixed(1)} ms`;

/**
 * One network's figures, against a service of its own: a sender makes a few hundred requests a minute here, which
 * a service's limit per caller (300 a minute by default) would otherwise refuse.
 */
async function networkTimes(context, name, network) {
  const service = await startService();
  try {
    await warmService(service);
    const rttMs = network?.conditions.latency ?? 0;
    const over = network ? `${name} network (${network.about})` : name;
    const bare = await bareTimes(service, rttMs);
    const page = await pageTimes(context, service, network);
    console.log(`over ${over}:`);
    console.log(`  bare runtime, cold:                      ${figure(bare.cold)}`);
    console.log(`  bare runtime, prefetched, same runtime:  ${figure(bare.sameRuntime)} (target < 1000 ms)`);
    console.log(`  bare runtime, prefetched, new runtime:   ${figure(bare.newRuntime)} (target < 1000 ms)`);
    console.log(`  try-it page, cold:                       ${figure(page.cold)}`);
    console.log(`  try-it page, prefetched:                 ${figure(page.warm)} (target < 1000 ms)`);
    console.log(
      `  ratio cold / prefetched (median): bare ${(median(bare.cold) / median(bare.sameRuntime)).toFixed(1)}, try-it ${(median(page.cold) / median(page.warm)).toFixed(1)}`,
    );
  } finally {
    await service.close();
  }
}

(async () => {
  buildIfMissing();
  execFileSync(join(root, 'test', 'testbed', 'up.sh'), { stdio: ['ignore', 'ignore', 'inherit'] });
  const { launchChromium } = require('../test/helpers/chromium');
  const context = await launchChromium();
  try {
    console.log(
      `send handler, Send to its answer, ${RECIPIENTS.length} recipients, confidential (tagged), ${ROUNDS} rounds:`,
    );
    for (const [name, network] of Object.entries(NETWORKS)) await networkTimes(context, name, network);
  } finally {
    await context.close();
  }
})().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
