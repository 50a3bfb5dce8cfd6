/**
 * Prefetching for Outlook's send event, in the built bundle run as classic Outlook's JavaScript-only runtime runs
 * it: the checks on compose and recipient changes keep the policy and the assessment, the send decides from them
 * within a second without asking the service — in the same runtime (memory) and in one Outlook started anew for
 * the send (the item's session data) — and asks as before whenever they are not current: other recipients, too
 * old, partial, another policy version, damaged.
 */
import { defaultPolicy } from '../helpers/policy';
import { bareRuntime, runEvent, sendHandlerSource, type BareRuntime } from './bare-runtime';
import { buildOutlook } from './built-addin';

let source: string;

beforeAll(() => {
  buildOutlook();
  source = sendHandlerSource();
}, 240_000);

const ANN = 'ann@dane-ee.sendguard.test';
const CARL = 'carl@partial.sendguard.test';
const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const SESSION_KEY = 'sendguard-prefetched';
const TEN_MINUTES = 10 * 60_000;

interface ServiceOptions {
  /** The transport verdict per domain; `authenticated` for any other. */
  verdicts?: Record<string, string>;
  policyVersion?: string;
  /** The version the assessment says it was made under; the policy's by default. */
  answerVersion?: string;
  partial?: boolean;
}

const json = (body: unknown) => ({ ok: true, status: 200, json: () => Promise.resolve(body) });

/**
 * A fake Sendguard service answering as the real one does, recording the path of every request; `delays` holds
 * each path's delay in ms, which a test changes as it goes (a service that became slow after the prefetch).
 */
function service(options: ServiceOptions = {}) {
  const asked: string[] = [];
  const delays: Record<string, number> = {};
  const version = options.policyVersion ?? 'v1';
  const assessed = (input: string) => {
    const domain = input.slice(input.indexOf('@') + 1);
    const verdict = options.verdicts?.[domain] ?? 'authenticated';
    return {
      input,
      address: input,
      domain,
      internal: false,
      transport: { domain, verdict, reasons: [] },
      key: { address: input, verdict: 'none', reasons: [] },
    };
  };
  const fetchImpl = async (url: string, init: unknown) => {
    const path = new URL(url).pathname;
    asked.push(path);
    const delay = delays[path];
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (path === '/api/v1/sign-in') return json({ entra: null });
    if (path === '/api/v1/policy') return json({ version, policy: defaultPolicy() });
    if (path === '/api/v1/decisions')
      return { ok: true, status: 204, json: () => Promise.resolve(undefined) };
    const { recipients } = JSON.parse((init as { body: string }).body) as { recipients: string[] };
    return json({
      policyVersion: options.answerVersion ?? version,
      partial: options.partial ?? false,
      recipients: recipients.map(assessed),
      invalid: [],
    });
  };
  /** The requests that ask for the decision's inputs (the report and the sign-in settings aside). */
  const questions = () => asked.filter((p) => p === '/api/v1/policy' || p === '/api/v1/assess');
  /** From now on the decision's inputs take `ms` to come. */
  const slowQuestions = (ms: number) => {
    delays['/api/v1/policy'] = ms;
    delays['/api/v1/assess'] = ms;
  };
  return { asked, delays, questions, slowQuestions, fetchImpl };
}

/** `OfficeRuntime.storage` as classic Outlook's event runtime has it: promises over a map that outlives runtimes. */
function runtimeStorage(kept = new Map<string, string>()) {
  return {
    kept,
    getItem: (key: string) => Promise.resolve(kept.get(key) ?? null),
    setItem: (key: string, value: string) => Promise.resolve(void kept.set(key, value)),
    removeItem: (key: string) => Promise.resolve(void kept.delete(key)),
  };
}

/** The item as an Outlook without session data (before Mailbox 1.11) gives it. */
function withoutSessionData(runtime: BareRuntime): BareRuntime {
  const office = runtime.sim.office as { context: { mailbox: { item: Record<string, unknown> } } };
  delete office.context.mailbox.item.sessionData;
  return runtime;
}

/** A runtime over a message to `to`, with `text` as its body. */
function composing(
  fetchImpl: (url: string, init: unknown) => Promise<unknown>,
  to: string[],
  text = '',
): BareRuntime {
  const runtime = bareRuntime(source, fetchImpl);
  runtime.sim.state.to = to.map((emailAddress) => ({ emailAddress, displayName: '' }));
  runtime.sim.state.subject = 'Report';
  runtime.sim.state.text = text;
  return runtime;
}

const recipientsChanged = (runtime: BareRuntime) => runEvent(runtime, 'onMessageRecipientsChangedHandler');
const send = (runtime: BareRuntime) => runEvent(runtime, 'onMessageSendHandler');

describe('a send after the compose checks kept their answers', () => {
  test('decides within a second without asking, from the same runtime’s memory, though the service now takes 2 s', async () => {
    const svc = service();
    const runtime = composing(svc.fetchImpl, [ANN], IBAN);
    await recipientsChanged(runtime);
    svc.slowQuestions(2000);
    const before = svc.questions().length;
    const { completions, ms } = await send(runtime);
    expect(completions).toEqual([{ allowEvent: true }]);
    expect(runtime.sim.state.subject).toBe('#secure# Report');
    expect(svc.questions()).toHaveLength(before);
    expect(ms).toBeLessThan(1000);
    expect(runtime.pendingTimers()).toBe(0);
  }, 20_000);

  test('decides from the item’s session data in a runtime Outlook started anew for the send', async () => {
    const first = service();
    const composed = composing(first.fetchImpl, [ANN], IBAN);
    await recipientsChanged(composed);
    expect(composed.sim.state.session[SESSION_KEY]).toEqual(expect.any(String));
    const second = service();
    second.slowQuestions(2000);
    const sending = bareRuntime(source, second.fetchImpl, composed.sim.state);
    const { completions, ms } = await send(sending);
    expect(completions).toEqual([{ allowEvent: true }]);
    expect(second.questions()).toEqual([]);
    expect(ms).toBeLessThan(1000);
    expect(sending.pendingTimers()).toBe(0);
  }, 20_000);

  test('answers too long for the item: the earlier set’s are removed from it, the runtime’s memory still decides', async () => {
    const svc = service();
    const runtime = composing(svc.fetchImpl, [ANN], IBAN);
    await recipientsChanged(runtime);
    expect(runtime.sim.state.session[SESSION_KEY]).toEqual(expect.any(String));
    runtime.sim.state.to = Array.from({ length: 200 }, (_, i) => ({
      emailAddress: `recipient-${i}@dane-ee.sendguard.test`,
      displayName: '',
    }));
    await recipientsChanged(runtime);
    expect(runtime.sim.state.session[SESSION_KEY]).toBeUndefined();
    const asked = svc.questions().length;
    expect((await send(runtime)).completions).toEqual([{ allowEvent: true }]);
    expect(svc.questions()).toHaveLength(asked);
  });

  test('a report the service is slow to take does not hold the send past the second', async () => {
    const svc = service();
    const runtime = composing(svc.fetchImpl, [ANN], IBAN);
    await recipientsChanged(runtime);
    svc.delays['/api/v1/decisions'] = 2000;
    const { completions, ms } = await send(runtime);
    expect(completions).toEqual([{ allowEvent: true }]);
    expect(ms).toBeLessThan(1000);
    expect(svc.asked).toContain('/api/v1/decisions');
    // The report's own deadline is what was left of the second: its timers end by then.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(runtime.pendingTimers()).toBe(0);
  }, 20_000);

  test('an item without session data: the runtime’s storage carries the answers to a new runtime', async () => {
    const storage = runtimeStorage();
    const first = service();
    // Only the item: its handlers run in the runtimes below, each with OfficeRuntime.
    const { state } = composing(first.fetchImpl, [ANN], IBAN).sim;
    const keeping = withoutSessionData(
      bareRuntime(source, first.fetchImpl, state, { OfficeRuntime: { storage } }),
    );
    await recipientsChanged(keeping);
    expect(storage.kept.get(SESSION_KEY)).toEqual(expect.any(String));
    const second = service();
    second.slowQuestions(2000);
    const sending = withoutSessionData(
      bareRuntime(source, second.fetchImpl, state, { OfficeRuntime: { storage } }),
    );
    const { completions, ms } = await send(sending);
    expect(completions).toEqual([{ allowEvent: true }]);
    expect(second.questions()).toEqual([]);
    expect(ms).toBeLessThan(1000);
  }, 20_000);

  test('plans with the body as sent: a message that became confidential after the prefetch gets the tag', async () => {
    const svc = service();
    const runtime = composing(svc.fetchImpl, [ANN]);
    await recipientsChanged(runtime);
    runtime.sim.state.text = IBAN;
    const asked = svc.questions().length;
    expect((await send(runtime)).completions).toEqual([{ allowEvent: true }]);
    expect(runtime.sim.state.headers['X-Sendguard-Force-TLS']).toBe('yes');
    expect(svc.questions()).toHaveLength(asked);
  });

  test('a refusal from kept answers is made again with the service’s current answers', async () => {
    const verdicts = { 'partial.sendguard.test': 'partial' };
    const svc = service({ verdicts });
    const runtime = composing(svc.fetchImpl, [CARL], IBAN);
    await recipientsChanged(runtime);
    const asked = svc.questions().length;
    const { completions } = await send(runtime);
    expect(completions).toEqual([expect.objectContaining({ allowEvent: false })]);
    expect(String(completions[0]!.errorMessage)).toContain(CARL);
    expect(svc.questions().slice(asked).sort()).toEqual(['/api/v1/assess', '/api/v1/policy']);
  });

  test('what changed since the prefetch (the domain’s TLS now authenticated) lets the message go', async () => {
    const verdicts: Record<string, string> = { 'partial.sendguard.test': 'partial' };
    const svc = service({ verdicts });
    const runtime = composing(svc.fetchImpl, [CARL], IBAN);
    await recipientsChanged(runtime);
    verdicts['partial.sendguard.test'] = 'authenticated';
    expect((await send(runtime)).completions).toEqual([{ allowEvent: true }]);
    expect(runtime.sim.state.subject).toBe('#secure# Report');
  });
});

describe('answers that are not current: the send asks the service, as without a prefetch', () => {
  test('a recipient added since (no change event yet): asked about, and the plan is for the new recipients', async () => {
    const svc = service({ verdicts: { 'partial.sendguard.test': 'none' } });
    const runtime = composing(svc.fetchImpl, [ANN], IBAN);
    await recipientsChanged(runtime);
    runtime.sim.state.cc = [{ emailAddress: CARL, displayName: '' }];
    const asked = svc.questions().length;
    const { completions } = await send(runtime);
    expect(completions).toEqual([expect.objectContaining({ allowEvent: false })]);
    expect(String(completions[0]!.errorMessage)).toContain(CARL);
    expect(svc.questions().slice(asked).sort()).toEqual(['/api/v1/assess', '/api/v1/policy']);
  });

  test('a recipient removed since: asked again, never decided from the larger set’s answers', async () => {
    const svc = service();
    const runtime = composing(svc.fetchImpl, [ANN, CARL]);
    await recipientsChanged(runtime);
    runtime.sim.state.to = runtime.sim.state.to.slice(0, 1);
    const asked = svc.questions().length;
    expect((await send(runtime)).completions).toEqual([{ allowEvent: true }]);
    expect(svc.questions().slice(asked)).toContain('/api/v1/assess');
  });

  test('answers asked ten minutes ago or more, kept on the item: asked again', async () => {
    const svc = service();
    const composed = composing(svc.fetchImpl, [ANN]);
    await recipientsChanged(composed);
    const kept = JSON.parse(composed.sim.state.session[SESSION_KEY]!) as { at: number };
    composed.sim.state.session[SESSION_KEY] = JSON.stringify({ ...kept, at: Date.now() - TEN_MINUTES });
    const again = service();
    await send(bareRuntime(source, again.fetchImpl, composed.sim.state));
    expect(again.questions().sort()).toEqual(['/api/v1/assess', '/api/v1/policy']);
  });

  test('answers dated in the future (a clock set back since): asked again', async () => {
    const svc = service();
    const composed = composing(svc.fetchImpl, [ANN]);
    await recipientsChanged(composed);
    const kept = JSON.parse(composed.sim.state.session[SESSION_KEY]!) as { at: number };
    composed.sim.state.session[SESSION_KEY] = JSON.stringify({ ...kept, at: Date.now() + 60_000 });
    const again = service();
    await send(bareRuntime(source, again.fetchImpl, composed.sim.state));
    expect(again.questions()).toContain('/api/v1/assess');
  });

  test.each([
    ['a partial answer (still being checked)', { partial: true }],
    ['an answer under another policy version than the policy', { answerVersion: 'v2' }],
  ])('%s is not kept: the send asks', async (_, options: ServiceOptions) => {
    const svc = service(options);
    const runtime = composing(svc.fetchImpl, [ANN]);
    await recipientsChanged(runtime);
    expect(runtime.sim.state.session[SESSION_KEY]).toBeUndefined();
    const asked = svc.questions().length;
    await send(runtime);
    expect(svc.questions().slice(asked)).toContain('/api/v1/assess');
  });

  test.each([
    ['not JSON', () => '{"at":'],
    ['a verdict outside the vocabulary', (text: string) => text.replace('"authenticated"', '"trusted"')],
    ['an answer about another address', (text: string) => text.split(ANN).join('eve@dane-ee.sendguard.test')],
    ['longer than the item may keep', (text: string) => text + ' '.repeat(50_000)],
  ])('session data that is %s is ignored: the send asks, and decides from the answer', async (_, damage) => {
    const svc = service();
    const composed = composing(svc.fetchImpl, [ANN]);
    await recipientsChanged(composed);
    composed.sim.state.session[SESSION_KEY] = damage(composed.sim.state.session[SESSION_KEY]!);
    const again = service();
    const { completions } = await send(bareRuntime(source, again.fetchImpl, composed.sim.state));
    expect(completions).toEqual([{ allowEvent: true }]);
    expect(again.questions()).toContain('/api/v1/assess');
  });

  test('no answers at all (the service was down while composing): the send asks, and stops when it still is', async () => {
    const down = () => Promise.reject(new TypeError('connection refused'));
    const runtime = composing(down, [ANN]);
    await recipientsChanged(runtime);
    expect(runtime.sim.state.session[SESSION_KEY]).toBeUndefined();
    const { completions } = await send(runtime);
    expect(completions).toEqual([expect.objectContaining({ allowEvent: false })]);
    expect(String(completions[0]!.errorMessage)).toContain('could not be reached');
  });
});
