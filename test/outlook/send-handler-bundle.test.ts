/**
 * The built send handler as classic Outlook's JavaScript-only runtime meets it: one ES2016 file, run in a bare
 * context with no DOM, no atob/btoa and an Office whose onReady never fires; handlers must be associated at top
 * level, and every path must end in exactly one event.completed with no timer left behind.
 */
import { parse } from 'acorn';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { defaultPolicy } from '../helpers/policy';
import { bareRuntime, runEvent, sendHandlerSource, type BareRuntime, type FetchImpl } from './bare-runtime';
import { buildOutlook } from './built-addin';

let source: string;

beforeAll(() => {
  buildOutlook();
  source = sendHandlerSource();
}, 240_000);

interface Run {
  completions: Array<Record<string, unknown> | undefined>;
  pendingTimers: () => number;
}

/** How the service tells the add-in to sign in: `entra: null` (API tokens, as these tests' config has none). */
const NO_ENTRA = { entra: null };

/** `fetchImpl` behind the public GET /api/v1/sign-in, which answers `signIn`. */
const withSignIn =
  (fetchImpl: FetchImpl, signIn: unknown = NO_ENTRA): FetchImpl =>
  (url, init) =>
    url.endsWith('/api/v1/sign-in') ? json(signIn) : fetchImpl(url, init);

/** The bundle in a bare runtime (bare-runtime.ts) over a new message to Ann, with its sign-in answered by `signIn`. */
function load(
  fetchImpl: FetchImpl,
  signIn: unknown = NO_ENTRA,
  office: Record<string, unknown> = {},
  globals: Record<string, unknown> = {},
) {
  const runtime = bareRuntime(source, withSignIn(fetchImpl, signIn), undefined, globals, office);
  runtime.sim.state.to = [{ emailAddress: 'ann@dane-ee.sendguard.test', displayName: 'Ann' }];
  runtime.sim.state.subject = 'Report';
  return runtime;
}

async function send(sim: BareRuntime['sim'], pendingTimers: () => number): Promise<Run> {
  const { completions } = await runEvent({ sim }, 'onMessageSendHandler');
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

/** The policy as usual; `/assess` answered with this instead. */
function assessAnswers(respond: () => Promise<unknown>, policy = defaultPolicy()) {
  return (url: string) => (url.endsWith('/policy') ? json({ version: 'v1', policy }) : respond());
}

/** Every request answered with this HTTP status. */
const status = (code: number) => () =>
  Promise.resolve({ ok: false, status: code, json: () => Promise.resolve({ error: 'no' }) });

/** Office calls this operation's callback with a failure, as Outlook does when an item is locked or gone. */
function failing(sim: ReturnType<typeof simulateOffice>, path: 'subject' | 'internetHeaders', op: string) {
  const item = (sim.office.context as { mailbox: { item: Record<string, Record<string, unknown>> } }).mailbox
    .item;
  item[path] = {
    ...item[path],
    [op]: (...args: unknown[]) => {
      const callback = args[args.length - 1] as (r: unknown) => void;
      setTimeout(
        () => callback({ status: 'failed', error: { code: 9041, message: 'the item is locked' } }),
        0,
      );
    },
  };
}

/** A refusal the sender sees: not allowed, with a reason (and, where given, the words the sender must read). */
function expectBlocked(run: Run, ...words: string[]): void {
  expect(run.completions).toHaveLength(1);
  const [options] = run.completions;
  expect(options).toMatchObject({ allowEvent: false, errorMessage: expect.any(String) });
  for (const word of words) expect(String(options!.errorMessage)).toContain(word);
  expect(String(options!.errorMessage).length).toBeLessThanOrEqual(500);
  expect(run.pendingTimers()).toBe(0);
}

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';

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

  test('a reply quoting an OpenPGP message: blocked as a restricted thread, though the pane never ran', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    sim.state.composeType = 'reply';
    sim.state.conversationId = 'conv-1';
    sim.state.text = 'Thanks.\n> -----BEGIN PGP MESSAGE-----\n> wcBMA0x\n> -----END PGP MESSAGE-----\n';
    expectBlocked(await send(sim, pendingTimers), 'This thread was restricted', 'OpenPGP-encrypted');
  });

  test('a reply in a conversation the read pane kept as restricted (OfficeRuntime.storage): blocked', async () => {
    const kept = JSON.stringify([
      { id: 'conv-1', marks: [{ kind: 'classified', classification: 'restricted' }] },
    ]);
    const storage = {
      getItem: (key: string) => Promise.resolve(key === 'sendguard.threads' ? kept : null),
      setItem: () => Promise.resolve(),
    };
    const { sim, pendingTimers } = load(
      backend('authenticated'),
      NO_ENTRA,
      {},
      { OfficeRuntime: { storage } },
    );
    sim.state.composeType = 'reply';
    sim.state.conversationId = 'conv-1';
    sim.state.text = 'Thanks.';
    expectBlocked(await send(sim, pendingTimers), 'This thread was restricted', 'was classified Restricted');
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

describe('every failure of the send path blocks, with a reason shown to the sender', () => {
  test.each([401, 403])('HTTP %i from the service: blocked, telling the sender to sign in', async (code) => {
    const { sim, pendingTimers } = load(status(code));
    const run = await send(sim, pendingTimers);
    expectBlocked(run, 'did not accept this add-in’s sign-in', `HTTP ${code}`, 'Open Sendguard to sign in');
    expect(run.completions[0]).not.toHaveProperty('sendModeOverride');
  });

  test.each([500, 502, 503])('HTTP %i from /assess: blocked, saying the service refused', async (code) => {
    const { sim, pendingTimers } = load(assessAnswers(status(code)));
    expectBlocked(await send(sim, pendingTimers), 'refused the request', `HTTP ${code}`);
  });

  test('an answer that is not JSON: blocked', async () => {
    const notJson = () =>
      Promise.resolve({
        ok: true,
        status: 200,
        json: () => Promise.reject(new SyntaxError('Unexpected token <')),
      });
    const { sim, pendingTimers } = load(assessAnswers(notJson));
    expectBlocked(await send(sim, pendingTimers), 'cannot trust', 'not JSON');
  });

  test('an answer of the wrong shape: blocked, saying what is wrong', async () => {
    const { sim, pendingTimers } = load(assessAnswers(() => json({ recipients: 'all good' })));
    expectBlocked(await send(sim, pendingTimers), 'cannot trust', 'policy version is missing');
  });

  test('a policy whose allowOverride is not true or false: blocked, never offered "send anyway"', async () => {
    const policy = defaultPolicy();
    (policy.onSend as Record<string, unknown>).allowOverride = 'yes';
    const { sim, pendingTimers } = load(assessAnswers(() => json(answer('none')), policy));
    sim.state.text = IBAN;
    expectBlocked(
      await send(sim, pendingTimers),
      'cannot trust',
      'onSend.allowOverride "yes" is not true or false',
    );
  });

  test('a verdict word outside the vocabulary: blocked, naming the recipient and the word', async () => {
    const body = answer('authenticated');
    body.recipients[0]!.key.verdict = 'trusted';
    const { sim, pendingTimers } = load(assessAnswers(() => json(body)));
    sim.state.text = IBAN;
    expectBlocked(await send(sim, pendingTimers), 'ann@dane-ee.sendguard.test', 'key verdict "trusted"');
  });

  test('an answer that leaves a recipient out: blocked, naming who', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    sim.state.cc = [{ emailAddress: 'bob@tls-valid.sendguard.test', displayName: 'Bob' }];
    sim.state.text = IBAN;
    expectBlocked(await send(sim, pendingTimers), 'leaves out "bob@tls-valid.sendguard.test"');
    expect(sim.state.subject).toBe('Report');
  });

  test('an answer about other addresses: blocked, naming them', async () => {
    const body = answer('authenticated');
    body.recipients[0]!.input = 'eve@dane-ee.sendguard.test';
    const { sim, pendingTimers } = load(assessAnswers(() => json(body)));
    expectBlocked(await send(sim, pendingTimers), '"eve@dane-ee.sendguard.test", which is not a recipient');
  });

  test('a partial answer is planned as it stands: unknown transport never gets the tag', async () => {
    const body = answer('unknown');
    body.partial = true;
    const { sim, pendingTimers } = load(assessAnswers(() => json(body)));
    sim.state.text = IBAN;
    expectBlocked(await send(sim, pendingTimers), 'ann@dane-ee.sendguard.test');
    expect(sim.state.subject).toBe('Report');
  });

  test('the subject tag cannot be set on the allow path: blocked, never sent untagged', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    sim.state.text = IBAN;
    failing(sim, 'subject', 'setAsync');
    expectBlocked(await send(sim, pendingTimers), 'could not add the forced-TLS tag', 'the item is locked');
  });

  test('the tag header cannot be set on the allow path: blocked, never sent untagged', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    sim.state.text = IBAN;
    failing(sim, 'internetHeaders', 'setAsync');
    expectBlocked(
      await send(sim, pendingTimers),
      'could not add the forced-TLS tag',
      'setting headers failed',
    );
  });

  test('policy `prompt` and no answer: blocked with Outlook’s send-anyway prompt', async () => {
    const policy = defaultPolicy({ onSend: { backendUnreachable: 'prompt', allowOverride: false } });
    const { sim, pendingTimers } = load(assessAnswers(() => new Promise(() => undefined), policy));
    const run = await send(sim, pendingTimers);
    expectBlocked(run, 'did not answer in time', 'You may send it anyway');
    expect(run.completions[0]).toMatchObject({ sendModeOverride: 'promptUser' });
  }, 10_000);

  test('policy `allowOverride` and a plan that refuses: blocked with the prompt, naming the recipient', async () => {
    const policy = defaultPolicy({ onSend: { backendUnreachable: 'block', allowOverride: true } });
    const { sim, pendingTimers } = load(assessAnswers(() => json(answer('none')), policy));
    sim.state.text = IBAN;
    const run = await send(sim, pendingTimers);
    expectBlocked(run, 'ann@dane-ee.sendguard.test', 'You may send it anyway');
    expect(run.completions[0]).toMatchObject({ sendModeOverride: 'promptUser' });
  });

  test('a refusal naming many recipients still ends with the send-anyway advice, within Outlook’s length', async () => {
    const policy = defaultPolicy({ onSend: { backendUnreachable: 'block', allowOverride: true } });
    const addresses = Array.from({ length: 12 }, (_, i) => `recipient-${i}@dane-ee.sendguard.test`);
    const one = answer('none').recipients[0]!;
    const body = {
      ...answer('none'),
      recipients: addresses.map((address) => ({
        ...one,
        input: address,
        address,
        key: { ...one.key, address },
      })),
    };
    const { sim, pendingTimers } = load(assessAnswers(() => json(body), policy));
    sim.state.to = addresses.map((emailAddress) => ({ emailAddress, displayName: '' }));
    sim.state.text = IBAN;
    const run = await send(sim, pendingTimers);
    expectBlocked(run, 'recipient-0@dane-ee.sendguard.test');
    expect(String(run.completions[0]!.errorMessage)).toMatch(/You may send it anyway\.$/);
    expect(String(run.completions[0]!.errorMessageMarkdown)).toMatch(/You may send it anyway\.$/);
  });

  test('without `allowOverride`, a plan that refuses offers no prompt', async () => {
    const { sim, pendingTimers } = load(backend('none'));
    sim.state.text = IBAN;
    const run = await send(sim, pendingTimers);
    expect(run.completions[0]).not.toHaveProperty('sendModeOverride');
  });

  test('policy `block` and no answer: blocked without the prompt', async () => {
    const { sim, pendingTimers } = load(assessAnswers(status(503)));
    const run = await send(sim, pendingTimers);
    expect(run.completions[0]).not.toHaveProperty('sendModeOverride');
  });

  test('Outlook never answers a read: blocked at the handler’s deadline, with its timer cleared', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    const item = (sim.office.context as { mailbox: { item: { body: Record<string, unknown> } } }).mailbox
      .item;
    item.body = { ...item.body, getAsync: () => undefined };
    expectBlocked(await send(sim, pendingTimers), 'took too long');
  }, 15_000);
});

describe('a distribution list in the JavaScript-only runtime, which has no nested app authentication to read it', () => {
  const TEAM = 'team@example.gov';
  const listAnswer = () =>
    json({
      policyVersion: 'v1',
      partial: false,
      recipients: [
        {
          input: TEAM,
          address: TEAM,
          domain: 'example.gov',
          internal: true,
          transport: { domain: 'example.gov', verdict: 'authenticated', reasons: [] },
          key: { address: TEAM, verdict: 'none', reasons: [] },
        },
      ],
      invalid: [],
    });
  const withList = (sim: ReturnType<typeof simulateOffice>, text: string) => {
    sim.state.to = [{ emailAddress: TEAM, displayName: 'Team', recipientType: 'distributionList' }];
    sim.state.text = text;
  };

  test('above normal: blocked with “expand the list or choose the recipients”, naming the list, no prompt', async () => {
    const { sim, pendingTimers } = load(assessAnswers(listAnswer));
    withList(sim, IBAN);
    const run = await send(sim, pendingTimers);
    expectBlocked(
      run,
      'Expand the list or choose the recipients',
      `Team <${TEAM}>`,
      'cannot sign Sendguard in',
    );
    expect(run.completions[0]!.sendModeOverride).toBeUndefined();
  });

  test('a normal message to the list goes', async () => {
    const { sim, pendingTimers } = load(assessAnswers(listAnswer));
    withList(sim, 'Lunch at noon?');
    const run = await send(sim, pendingTimers);
    expect(run.completions).toEqual([{ allowEvent: true }]);
    expect(run.pendingTimers()).toBe(0);
  });
});

describe('the compose-change handler', () => {
  async function change(sim: ReturnType<typeof simulateOffice>, name: string, pendingTimers: () => number) {
    const completions: unknown[] = [];
    await new Promise<void>((resolve) => {
      void sim.actions.get(name)!({
        completed: (options?: unknown) => {
          completions.push(options);
          resolve();
        },
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pendingTimers()).toBe(0);
    return completions;
  }

  test.each(['onNewMessageComposeHandler', 'onMessageRecipientsChangedHandler'])(
    '%s shows the summary and completes exactly once',
    async (name) => {
      const { sim, pendingTimers } = load(backend('authenticated'));
      expect(await change(sim, name, pendingTimers)).toEqual([undefined]);
      expect(sim.state.notices['sendguard-summary']?.message).toBe('1 recipient: 1 plain mail');
    },
  );

  test('completes exactly once when the service fails, saying the check could not be made', async () => {
    const { sim, pendingTimers } = load(status(500));
    expect(await change(sim, 'onMessageRecipientsChangedHandler', pendingTimers)).toHaveLength(1);
    expect(sim.state.notices['sendguard-summary']?.message).toContain('could not check the recipients');
  });

  test('completes exactly once when the notice itself cannot be shown', async () => {
    const { sim, pendingTimers } = load(backend('authenticated'));
    const item = (sim.office.context as { mailbox: { item: Record<string, unknown> } }).mailbox.item;
    item.notificationMessages = {
      replaceAsync: (_id: string, _n: unknown, cb: (r: unknown) => void) =>
        setTimeout(() => cb({ status: 'failed', error: { code: 1, message: 'no room' } }), 0),
    };
    expect(await change(sim, 'onMessageRecipientsChangedHandler', pendingTimers)).toHaveLength(1);
  });
});

describe('signing in, in the JavaScript-only runtime: Office SSO, never a prompt', () => {
  const ENTRA = {
    entra: {
      clientId: '6d1c0b8e-0000-4000-8000-000000000001',
      authority: 'https://login.example/tenant',
      scopes: ['api://sendguard.example/6d1c0b8e-0000-4000-8000-000000000001/access_as_user'],
    },
  };

  /** Office's SSO, recording what it was asked, answering with `answer`. */
  function officeAuth(answer: () => Promise<string>) {
    const asked: unknown[] = [];
    return { asked, auth: { getAccessToken: (options: unknown) => (asked.push(options), answer()) } };
  }

  /** The service, recording the bearer of each request. */
  function recordingBackend() {
    const bearers: unknown[] = [];
    const fetchImpl: FetchImpl = (url, init) => {
      bearers.push((init as { headers: Record<string, string> }).headers.authorization);
      return backend('authenticated')(url);
    };
    return { bearers, fetchImpl };
  }

  test('the token from Office SSO, asked without prompts, is the bearer of every request — even where the host reports NestedAppAuth, since MSAL is not in this bundle', async () => {
    const { asked, auth } = officeAuth(() => Promise.resolve('sso-token'));
    const { bearers, fetchImpl } = recordingBackend();
    const { sim, pendingTimers } = load(fetchImpl, ENTRA, { auth });
    const requirements = (sim.office.context as { requirements: { isSetSupported: unknown } }).requirements;
    requirements.isSetSupported = () => true;
    sim.state.text = IBAN;
    const run = await send(sim, pendingTimers);
    expect(run.completions).toEqual([{ allowEvent: true }]);
    // The policy, the assessment, and the report of the decision made with them.
    expect(bearers).toEqual(['Bearer sso-token', 'Bearer sso-token', 'Bearer sso-token']);
    // Policy and assessment are asked at once; they share one SSO call (Office refuses overlapping ones). The
    // report, made once they are answered, asks once more.
    expect(asked).toHaveLength(2);
    for (const options of asked)
      expect(options).toEqual({ allowSignInPrompt: false, allowConsentPrompt: false });
  });

  test.each([
    [13001, 'The user is not signed in to Office.', 'not signed in to Outlook, or the sign-in expired'],
    [13005, 'Invalid grant.', 'Sendguard lacks permission to sign you in; ask your administrator'],
    [13007, 'Office could not get a token.', 'Outlook’s sign-in did not work'],
  ])(
    'Office SSO failing (%i, %s): blocked with the plain cause and the sign-in reason, never a send-anyway prompt',
    async (code, officeWords, cause) => {
      const { auth } = officeAuth(() => Promise.reject(Object.assign(new Error(officeWords), { code })));
      const policy = defaultPolicy({ onSend: { backendUnreachable: 'prompt', allowOverride: true } });
      const { sim, pendingTimers } = load(
        assessAnswers(() => json(answer('authenticated')), policy),
        ENTRA,
        {
          auth,
        },
      );
      const run = await send(sim, pendingTimers);
      expectBlocked(
        run,
        `You are not signed in to the Sendguard service (${cause}).`,
        'Open Sendguard to sign in, then send again.',
      );
      // Office's words and code are for the failure log, not for the sender.
      expect(run.completions[0]!.errorMessage).not.toContain(officeWords);
      expect(run.completions[0]!.errorMessage).not.toContain(String(code));
      expect(run.completions[0]).toMatchObject({
        commandId: 'SendguardOpenPane',
        cancelLabel: 'Open Sendguard',
      });
      expect(run.completions[0]).not.toHaveProperty('sendModeOverride');
    },
  );

  test('no token while composing: the info bar tells the sender to sign in, without a prompt', async () => {
    const { asked, auth } = officeAuth(() =>
      Promise.reject(Object.assign(new Error('not signed in'), { code: 13001 })),
    );
    const { sim } = load(backend('authenticated'), ENTRA, { auth });
    await new Promise<void>((resolve) => {
      void sim.actions.get('onMessageRecipientsChangedHandler')!({ completed: () => resolve() });
    });
    expect(sim.state.notices['sendguard-summary']?.message).toBe(
      'Sendguard cannot check the recipients until you sign in: open Sendguard to sign in.',
    );
    for (const options of asked)
      expect(options).toEqual({ allowSignInPrompt: false, allowConsentPrompt: false });
  });

  test('an SSO token the service refuses: blocked with the sign-in reason', async () => {
    const { auth } = officeAuth(() => Promise.resolve('expired-token'));
    const { sim, pendingTimers } = load(status(401), ENTRA, { auth });
    expectBlocked(await send(sim, pendingTimers), 'HTTP 401', 'Open Sendguard to sign in');
  });

  test('a service without Entra sign-in: no SSO asked, requests go as before', async () => {
    const { asked, auth } = officeAuth(() => Promise.resolve('sso-token'));
    const { bearers, fetchImpl } = recordingBackend();
    const { sim, pendingTimers } = load(fetchImpl, NO_ENTRA, { auth });
    const run = await send(sim, pendingTimers);
    expect(run.completions).toEqual([{ allowEvent: true }]);
    expect(asked).toEqual([]);
    expect(bearers).toEqual([undefined, undefined]);
  });
});
