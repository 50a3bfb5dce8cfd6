/**
 * The built send handler in a bare context like classic Outlook's JavaScript-only runtime (no DOM, no TextEncoder,
 * no WebCrypto, no BigInt needed), with the verdict key in its configuration: while the service answers it keeps the
 * signed verdicts; once the service cannot be reached it decides from fresh ones (tagged and sent), and stops the
 * message for stale, forged or another deployment's verdicts. The service's answers are signed by the server's own
 * signer, as it serves them.
 */
import { randomBytes } from 'node:crypto';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { verdictKeyOf } from '../../src/server/verdicts/key';
import { verdictSigner } from '../../src/server/verdicts/signer';
import { assessedRecipient } from '../helpers/assess-answer';
import { ManualClock } from '../helpers/clock';
import { defaultPolicy } from '../helpers/policy';
import { bareRuntime, runEvent, sendHandlerSource } from './bare-runtime';
import { buildOutlook } from './built-addin';

const DEPLOYMENT = 'https://sendguard.example';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const ANN = 'ann@dane-ee.sendguard.test';
const HOUR = 3_600_000;

let source: string;

beforeAll(() => {
  buildOutlook();
  source = sendHandlerSource();
}, 240_000);

const json = (body: unknown) => Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });

interface Bed {
  sim: ReturnType<typeof simulateOffice>;
  storage: Map<string, string>;
  /** From now on every request fails as a refused connection does. */
  down(): void;
}

/**
 * The bundle in a fresh bare context with OfficeRuntime.storage over `storage`, trusting `key` for DEPLOYMENT;
 * the service signs with `signingKey` as `deployment`, its clock `signedAgoMs` behind.
 */
function bed(
  options: {
    signingKey?: ReturnType<typeof verdictKeyOf>;
    deployment?: string;
    signedAgoMs?: number;
    storage?: Map<string, string>;
  } = {},
): Bed {
  const key = trusted;
  const clock = new ManualClock(Date.now() - (options.signedAgoMs ?? 0));
  const signer = verdictSigner({
    key: options.signingKey ?? key,
    deployment: options.deployment ?? DEPLOYMENT,
    clock,
  });
  const policy = { version: 'v1', policy: defaultPolicy() };
  const recipients = [assessedRecipient(ANN, 'authenticated')];
  let up = true;
  const fetch = (url: string) => {
    if (!up) return Promise.reject(new TypeError('Network request failed'));
    if (url.endsWith('/api/v1/sign-in')) return json({ entra: null });
    if (url.endsWith('/policy')) return json({ ...policy, signed: signer.policy(policy) });
    return json({
      policyVersion: 'v1',
      partial: false,
      recipients,
      invalid: [],
      signed: signer.recipients(recipients, 'v1'),
    });
  };
  const storage = options.storage ?? new Map<string, string>();
  const { sim } = bareRuntime(source, fetch, undefined, {
    OfficeRuntime: {
      storage: {
        getItem: async (k: string) => storage.get(k) ?? null,
        setItem: async (k: string, v: string) => void storage.set(k, v),
      },
    },
    SENDGUARD_CONFIG: {
      backendUrl: DEPLOYMENT,
      verdicts: { publicKey: key.publicKey, deployment: DEPLOYMENT },
    },
  });
  sim.state.to = [{ emailAddress: ANN, displayName: 'Ann' }];
  sim.state.subject = 'Report';
  sim.state.text = IBAN;
  return { sim, storage, down: () => (up = false) };
}

const trusted = verdictKeyOf(randomBytes(32));

async function send(sim: Bed['sim']): Promise<Record<string, unknown> | undefined> {
  const { completions } = await runEvent({ sim }, 'onMessageSendHandler');
  expect(completions).toHaveLength(1);
  return completions[0];
}

/** Sends once with the service up (the verdicts kept), then takes it down and resets the subject and headers. */
async function keptThenDown(b: Bed): Promise<void> {
  expect(await send(b.sim)).toEqual({ allowEvent: true });
  b.down();
  b.sim.state.subject = 'Report';
  b.sim.state.headers = {};
}

function expectStopped(options: Record<string, unknown> | undefined, words: string): void {
  expect(options).toMatchObject({ allowEvent: false });
  expect(String(options!.errorMessage)).toContain('could not be reached');
  expect(String(options!.errorMessage)).toContain(words);
}

describe('the send-handler bundle while the service cannot be reached', () => {
  test('fresh kept verdicts: tagged and sent, within a second', async () => {
    const b = bed();
    await keptThenDown(b);
    const started = Date.now();
    expect(await send(b.sim)).toEqual({ allowEvent: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(b.sim.state.subject).toBe('#secure# Report');
    expect(b.sim.state.headers['X-Sendguard-Force-TLS']).toBe('yes');
  });

  test('kept in OfficeRuntime.storage: a new runtime decides from them', async () => {
    const first = bed();
    await send(first.sim);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const next = bed({ storage: first.storage });
    next.down();
    expect(await send(next.sim)).toEqual({ allowEvent: true });
    expect(next.sim.state.subject).toBe('#secure# Report');
  });

  test('stale (25 hours old): stopped', async () => {
    const b = bed({ signedAgoMs: 25 * HOUR });
    await keptThenDown(b);
    expectStopped(await send(b.sim), 'older than 24 hours');
    expect(b.sim.state.subject).toBe('Report');
  });

  test('forged in storage: stopped', async () => {
    const first = bed();
    first.sim.state.to = [{ emailAddress: ANN, displayName: 'Ann' }];
    await send(first.sim);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Ann's verdict changed (authenticated to encrypted), as someone with access to the storage could.
    const [name, text] = [...first.storage][0]!;
    first.storage.set(name!, text!.replace(/"verdict\\":\\"authenticated/g, '"verdict\\":\\"encrypted'));
    expect(first.storage.get(name!)).not.toBe(text);
    const next = bed({ storage: first.storage });
    next.down();
    expectStopped(await send(next.sim), `no verdicts it can trust for ${ANN}`);
  });

  test('signed by another key, or naming another deployment: stopped', async () => {
    for (const options of [
      { signingKey: verdictKeyOf(randomBytes(32)) },
      { deployment: 'https://other.example' },
    ]) {
      const b = bed(options);
      await keptThenDown(b);
      expectStopped(await send(b.sim), 'kept no policy signed by the service');
    }
  });
});
