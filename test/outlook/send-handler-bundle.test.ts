/**
 * The built send handler as classic Outlook's JavaScript-only runtime meets it: one ES2016 file, run in a bare
 * context with no DOM, no atob/btoa and an Office whose onReady never fires; handlers must be associated at top
 * level, and every path must end in exactly one event.completed with no timer left behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { parse } from 'acorn';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { defaultPolicy } from '../helpers/policy';
import { buildOutlook, OUTLOOK_DIST } from './built-addin';

let source: string;

beforeAll(() => {
  buildOutlook();
  source = readFileSync(join(OUTLOOK_DIST, 'launchevent.js'), 'utf8');
}, 240_000);

interface Run {
  completions: Array<Record<string, unknown> | undefined>;
  pendingTimers: () => number;
}

/** Loads the bundle into a fresh context with only what the JS runtime has: no window, document, atob, btoa. */
function load(fetchImpl: (url: string, init: unknown) => Promise<unknown>) {
  const sim = simulateOffice();
  sim.state.to = [{ emailAddress: 'ann@dane-ee.sendguard.test', displayName: 'Ann' }];
  sim.state.subject = 'Report';
  let live = 0;
  const context = vm.createContext({
    Office: { ...sim.office, onReady: () => new Promise(() => undefined) },
    fetch: fetchImpl,
    console,
    setTimeout: (fn: () => void, ms: number) => {
      live += 1;
      return setTimeout(() => {
        live -= 1;
        fn();
      }, ms);
    },
    clearTimeout: (timer: NodeJS.Timeout | undefined) => {
      if (timer !== undefined && (timer as unknown as { _destroyed?: boolean })._destroyed === false)
        live -= 1;
      clearTimeout(timer);
    },
    SENDGUARD_CONFIG: { backendUrl: 'https://sendguard.example' },
  });
  vm.runInContext(source, context, { filename: 'launchevent.js' });
  return { sim, context, pendingTimers: () => live };
}

async function send(sim: ReturnType<typeof simulateOffice>, pendingTimers: () => number): Promise<Run> {
  const completions: Run['completions'] = [];
  const handler = sim.actions.get('onMessageSendHandler')!;
  await new Promise<void>((resolve) => {
    void handler({
      completed: (options?: Record<string, unknown>) => {
        completions.push(options);
        resolve();
      },
    });
  });
  // Give any stray callback a chance to run (and complete twice) before counting.
  await new Promise((resolve) => setTimeout(resolve, 20));
  return { completions, pendingTimers };
}

const policyBody = () => ({ version: 'v1', policy: defaultPolicy() });

function answer(verdict: string) {
  return {
    policyVersion: 'v1',
    partial: false,
    recipients: [
      {
        input: 'ann@dane-ee.sendguard.test',
        address: 'ann@dane-ee.sendguard.test',
        domain: 'dane-ee.sendguard.test',
        internal: false,
        transport: { domain: 'dane-ee.sendguard.test', verdict, reasons: [] },
        key: { address: 'ann@dane-ee.sendguard.test', verdict: 'none', reasons: [] },
      },
    ],
    invalid: [],
  };
}

const json = (body: unknown) => Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(body) });

function backend(verdict: string) {
  return (url: string) => json(url.endsWith('/policy') ? policyBody() : answer(verdict));
}

describe('the send-handler bundle', () => {
  test('parses as ES2016 (no async functions, object spread, optional chaining…)', () => {
    expect(() => parse(source, { ecmaVersion: 2016, sourceType: 'script' })).not.toThrow();
  });

  test('uses no atob, btoa, DOM or run-time imports', () => {
    expect(source).not.toMatch(/\b(atob|btoa)\s*\(/);
    expect(source).not.toMatch(/\bdocument\.|\bwindow\.|importScripts|\bimport\(/);
  });

  test('associates its handlers at top level, with Office.onReady never firing', () => {
    const { sim } = load(backend('authenticated'));
    expect([...sim.actions.keys()].sort()).toEqual([
      'onMessageRecipientsChangedHandler',
      'onMessageSendHandler',
      'onNewMessageComposeHandler',
    ]);
  });

  test('plan `tag`: the tag is applied and the send allowed, once, with no timer left', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    // An IBAN raises the message to confidential, which needs encryption in transit.
    sim.state.text = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
    const run = await send(sim, pendingTimers);
    expect(run.completions).toEqual([{ allowEvent: true }]);
    expect(sim.state.subject).toBe('#secure# Report');
    expect(sim.state.headers['X-Sendguard-Force-TLS']).toBe('yes');
    expect(run.pendingTimers()).toBe(0);
  });

  test('a recipient forced TLS cannot serve: blocked, naming the recipient, with the pane button', async () => {
    const { sim, pendingTimers } = load(backend('none'));
    sim.state.text = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
    const run = await send(sim, pendingTimers);
    expect(run.completions).toHaveLength(1);
    expect(run.completions[0]).toMatchObject({
      allowEvent: false,
      commandId: 'SendguardOpenPane',
      errorMessage: expect.stringContaining('ann@dane-ee.sendguard.test'),
      errorMessageMarkdown: expect.stringContaining('- ann@dane-ee.sendguard.test'),
    });
    expect(run.pendingTimers()).toBe(0);
  });

  test('backend unreachable: blocked, never allowed', async () => {
    const { sim, pendingTimers } = load(() => Promise.reject(new TypeError('connection refused')));
    const run = await send(sim, pendingTimers);
    expect(run.completions).toHaveLength(1);
    expect(run.completions[0]).toMatchObject({ allowEvent: false });
    expect(String(run.completions[0]!.errorMessage)).toContain('could not be reached');
  });

  test('backend silent past the deadline: blocked within 4 seconds, and its timer cleared', async () => {
    const { sim, pendingTimers } = load(() => new Promise(() => undefined));
    const started = Date.now();
    const run = await send(sim, pendingTimers);
    expect(Date.now() - started).toBeLessThan(4000);
    expect(run.completions).toEqual([expect.objectContaining({ allowEvent: false })]);
    expect(run.pendingTimers()).toBe(0);
  }, 10_000);

  test('the item cannot be read: blocked', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    (sim.office.context as { mailbox: { item: { subject: unknown } } }).mailbox.item.subject = {
      getAsync: (cb: (r: unknown) => void) => cb({ status: 'failed', error: { code: 1, message: 'gone' } }),
    };
    const run = await send(sim, pendingTimers);
    expect(run.completions).toEqual([expect.objectContaining({ allowEvent: false })]);
  });
});
