/**
 * The send handler as `sendguard serve` serves it (the verdict key and deployment written in), run in a bare
 * context like classic Outlook's JavaScript-only runtime against the real service with API tokens on: it keeps
 * the signed verdicts of a check while the service answers; once the service is stopped it decides from them while
 * they are fresh (tagged and sent), and stops the message once they are older than a day or were changed.
 */
import vm from 'node:vm';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { issueApiToken } from '../../src/server/auth/api-tokens';
import { openSqliteStore } from '../../src/server/store/sqlite';
import { deployedBedSettings } from '../helpers/bed-services';
import { scratchDir } from '../helpers/scratch';
import { testbed } from '../helpers/testbed';
import { buildOutlook } from './built-addin';
import { buildService, startServe, type ServeProcess } from './sendguard-serve';

const ANN = 'ann@dane-ee.sendguard.test';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const DAY = 86_400_000;

let service: ServeProcess | undefined;
let served: string;
let token: string;
let base: string;
/** OfficeRuntime.storage as every runtime below shares it. */
const storage = new Map<string, string>();

beforeAll(async () => {
  buildOutlook();
  buildService();
  const bed = testbed();
  const dataDir = scratchDir('served-outage');
  const store = openSqliteStore(dataDir);
  ({ token } = await issueApiToken(store.tokens, { name: 'a sender', role: 'sender' }).finally(() =>
    store.close(),
  ));
  service = await startServe(() => deployedBedSettings(bed, dataDir));
  base = service.base;
  served = await (await fetch(`${base}/addin/launchevent.js`)).text();
}, 300_000);

afterAll(async () => {
  await service?.stop();
});

/** A fresh runtime of the served handler, its clock `aheadMs` ahead, sharing `storage`. */
function runtime(aheadMs = 0) {
  const sim = simulateOffice();
  sim.state.to = [{ emailAddress: ANN, displayName: 'Ann' }];
  sim.state.subject = 'Refund';
  sim.state.text = IBAN;
  const context = vm.createContext({
    Office: { ...sim.office, onReady: () => new Promise(() => undefined) },
    OfficeRuntime: {
      storage: {
        getItem: async (key: string) => storage.get(key) ?? null,
        setItem: async (key: string, value: string) => void storage.set(key, value),
      },
    },
    fetch,
    console,
    setTimeout,
    clearTimeout,
    // Served over plain HTTP the base URL is not written in (Outlook would not load it); the key is.
    SENDGUARD_CONFIG: { backendUrl: base, token },
  });
  if (aheadMs) vm.runInContext(`Date.now = ((now) => () => now() + ${aheadMs})(Date.now);`, context);
  vm.runInContext(served, context, { filename: 'launchevent.js' });
  return sim;
}

async function send(sim: ReturnType<typeof simulateOffice>): Promise<Record<string, unknown> | undefined> {
  const handler = sim.actions.get('onMessageSendHandler')!;
  return new Promise((resolve) => void handler({ completed: resolve }));
}

describe('the served send handler while the service is down', () => {
  test('the served file carries the verdict key in place of its placeholder', () => {
    expect(served).not.toContain('sendguard:verdict-public-key');
    expect(served).not.toContain('sendguard:deployment');
  });

  test('kept, then fresh, stale and forged once the service is stopped', async () => {
    // Until every check has settled, as the pane would have seen it.
    let online: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      const sim = runtime();
      online = await send(sim);
      if (online?.allowEvent === true) {
        expect(sim.state.subject).toBe('#secure# Refund');
        break;
      }
    }
    expect(online).toEqual({ allowEvent: true });
    expect(storage.size).toBe(1);
    await service!.stop();
    service = undefined;

    const fresh = runtime();
    expect(await send(fresh)).toEqual({ allowEvent: true });
    expect(fresh.state.subject).toBe('#secure# Refund');
    expect(fresh.state.headers['X-Sendguard-Force-TLS']).toBe('yes');

    const stale = await send(runtime(DAY + 60_000));
    expect(stale).toMatchObject({ allowEvent: false });
    expect(String(stale!.errorMessage)).toContain('older than 24 hours');

    const [name, text] = [...storage][0]!;
    storage.set(name!, text!.replace(/\\"verdict\\":\\"authenticated\\"/g, '\\"verdict\\":\\"encrypted\\"'));
    expect(storage.get(name!)).not.toBe(text);
    const forged = await send(runtime());
    expect(forged).toMatchObject({ allowEvent: false });
    expect(String(forged!.errorMessage)).toContain(`no verdicts it can trust for ${ANN}`);
  }, 120_000);
});
