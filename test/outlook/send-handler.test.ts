/**
 * The Outlook handlers from source, over the simulated Office and an injected backend and deadline: what the
 * sender is told when something throws, that the failure is recorded with its code, and that work abandoned at
 * the deadline never tags a message Outlook has already been answered about.
 */
import type { AssessAnswer, AssessOptions, Backend } from '../../src/addin/backend';
import { BackendError } from '../../src/addin/backend';
import { loadMessage, planWith } from '../../src/addin/state';
import { messageOf } from '../../src/core/errors';
import type { MailboxAccessVerdict } from '../../src/core/vocabulary';
import { signInFailure } from '../../src/outlook/auth/sign-in-error';
import {
  composeChangeHandler,
  sendHandler,
  type CompletedOptions,
  type HandlerDeps,
} from '../../src/outlook/launchevent';
import { createOfficeHost } from '../../src/outlook/office-host';
import { simulateOffice } from '../../src/outlook/tryit/simulated-office';
import { assessedRecipient } from '../helpers/assess-answer';
import { defaultPolicy } from '../helpers/policy';

const IBAN = 'Please pay to IBAN DE89 3704 0044 0532 0130 00.';
const ANN = 'ann@dane-ee.sendguard.test';

function message() {
  const sim = simulateOffice();
  sim.state.to = [{ emailAddress: ANN, displayName: 'Ann' }];
  sim.state.subject = 'Report';
  // An IBAN raises the message to confidential: forced TLS to an authenticated domain, so the plan is `tag`.
  sim.state.text = IBAN;
  return sim;
}

const answer = (): AssessAnswer => ({
  policyVersion: 'v1',
  partial: false,
  recipients: [assessedRecipient(ANN, 'authenticated')],
  invalid: [],
});

/** The handler's dependencies: this simulated Outlook, a backend whose `/assess` is `assess`, and a deadline. */
function depsFor(
  sim: ReturnType<typeof simulateOffice>,
  assess: () => Promise<AssessAnswer>,
  deadlineMs = 2000,
): HandlerDeps {
  return {
    host: () => createOfficeHost(sim.office as unknown as typeof Office),
    backend: () => backendAnswering(assess),
    deadlineMs,
  };
}

/** The service's answer, held back until `answerLate` — past the handler's deadline in these tests. */
function lateAnswer() {
  let answerLate!: () => void;
  const late = new Promise<AssessAnswer>((resolve) => {
    answerLate = () => resolve(answer());
  });
  return { late, answerLate };
}

function backendAnswering(assess: () => Promise<AssessAnswer>): Backend {
  return {
    policy: async () => ({ version: 'v1', policy: defaultPolicy() }),
    assess,
    acceptKey: () => Promise.reject(new Error('the send handler accepts no key')),
  };
}

async function run(
  handler: (event: { completed(options?: CompletedOptions): void }) => Promise<void>,
): Promise<Array<CompletedOptions | undefined>> {
  const completions: Array<CompletedOptions | undefined> = [];
  await handler({ completed: (options) => completions.push(options) });
  return completions;
}

let warn: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());

const recorded = () => warn.mock.calls.map((call) => String(call[0]));

describe('the send handler, with its dependencies injected', () => {
  test('a plan of `tag` tags the message and lets it go', async () => {
    const sim = message();
    const handler = sendHandler(depsFor(sim, async () => answer()));
    expect(await run(handler)).toEqual([{ allowEvent: true }]);
    expect(sim.state.subject).toBe('#secure# Report');
  });

  test('a host that throws: blocked, telling the sender what failed, and the failure recorded with its code', async () => {
    const sim = message();
    const office = sim.office as unknown as typeof Office;
    (office.context.mailbox.item as unknown as { to: unknown }).to = {
      getAsync: () => {
        throw new TypeError('the recipient well is gone');
      },
    };
    const handler = sendHandler(depsFor(sim, async () => answer()));
    const [options] = await run(handler);
    expect(options).toMatchObject({ allowEvent: false, commandId: 'SendguardOpenPane' });
    expect(options!.errorMessage).toContain('could not read this message');
    expect(options!.errorMessage).toContain('reading to failed: the recipient well is gone');
    expect(options!.errorMessage).toContain('Try sending again');
    expect(recorded()).toContainEqual(expect.stringContaining('[OFFICE_CALL_FAILED]'));
  });

  test('a backend that throws something unexpected: blocked with its reason, never allowed', async () => {
    const sim = message();
    const handler = sendHandler(
      depsFor(sim, () => Promise.reject(new RangeError('answer decoder overflowed'))),
    );
    const [options] = await run(handler);
    expect(options).toMatchObject({ allowEvent: false });
    expect(options!.errorMessage).toContain('answer decoder overflowed');
    expect(options!.errorMessage).toContain('so it was not sent');
    expect(recorded()).toContainEqual(expect.stringContaining('[UNEXPECTED]'));
    expect(sim.state.subject).toBe('Report');
  });

  test('the service refusing the sign-in: the code is recorded and the sender told to sign in', async () => {
    const sim = message();
    const handler = sendHandler(
      depsFor(sim, () => Promise.reject(new BackendError('BACKEND_UNAUTHORIZED', 'HTTP 401'))),
    );
    const [options] = await run(handler);
    expect(options!.errorMessage).toContain('Open Sendguard to sign in');
    expect(recorded()).toContainEqual(expect.stringContaining('[BACKEND_UNAUTHORIZED]'));
  });

  test('Outlook giving no token: one plain sentence and what to do for the sender; Office’s code and words only in the log', async () => {
    const sim = message();
    const office = Object.assign(new Error('The user is not signed in to Office.'), { code: 13001 });
    const notSignedIn = new BackendError(
      'BACKEND_NOT_SIGNED_IN',
      messageOf(signInFailure('SIGN_IN_NEEDED', office)),
      { cause: signInFailure('SIGN_IN_NEEDED', office) },
    );
    const handler = sendHandler(depsFor(sim, () => Promise.reject(notSignedIn)));
    const [options] = await run(handler);
    expect(options!.errorMessage).toBe(
      'You are not signed in to the Sendguard service (not signed in to Outlook, or the sign-in expired). Sendguard cannot confirm that this message is protected as your organisation requires, so it was not sent. Open Sendguard to sign in, then send again. If this keeps happening, ask your administrator to check Sendguard’s sign-in.',
    );
    expect(recorded()).toContainEqual(expect.stringContaining('[BACKEND_NOT_SIGNED_IN]'));
    expect(recorded()).toContainEqual(
      expect.stringContaining('[13001] The user is not signed in to Office.'),
    );
  });

  test('the injected deadline stops the check, and the abandoned work never tags the message afterwards', async () => {
    const sim = message();
    const { late, answerLate } = lateAnswer();
    const handler = sendHandler(depsFor(sim, () => late, 30));
    const completions = await run(handler);
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ allowEvent: false });
    expect(completions[0]!.errorMessage).toContain('took too long');
    expect(recorded()).toContainEqual(expect.stringContaining('[SEND_CHECK_TIMEOUT]'));

    // The service answers after Outlook was told: the plan is still `tag`, but nothing is written.
    answerLate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sim.state.subject).toBe('Report');
    expect(sim.state.headers['X-Sendguard-Force-TLS']).toBeUndefined();
    expect(completions).toHaveLength(1);
  });
});

test('the compose-change handler abandoned at its deadline shows no late summary', async () => {
  const sim = message();
  const { late, answerLate } = lateAnswer();
  const handler = composeChangeHandler(depsFor(sim, () => late, 30));
  expect(await run(handler)).toEqual([undefined]);
  answerLate();
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(sim.state.notices['sendguard-summary']).toBeUndefined();
});

describe('the send handler under a classification that needs TLS to the mailbox', () => {
  /** The shipped policy, its confidential class served by forced TLS alone and only where mailboxes need TLS. */
  function lastMilePolicy() {
    const policy = defaultPolicy();
    policy.classifications = policy.classifications.map((c) =>
      c.name === 'confidential' ? { ...c, prefer: ['tls' as const], mailboxAccess: 'tls-only' as const } : c,
    );
    return policy;
  }

  /** A backend answering Ann's domain as authenticated with this mailbox access, recording what it was asked. */
  function lastMileBackend(access: MailboxAccessVerdict) {
    const asked: AssessOptions[] = [];
    const backend: Backend = {
      policy: async () => ({ version: 'v1', policy: lastMilePolicy() }),
      async assess(_recipients, options = {}) {
        asked.push(options);
        const ann = assessedRecipient(ANN, 'authenticated');
        const mailboxAccess = { verdict: access, reasons: [`imap.dane-ee.sendguard.test: ${access}`] };
        return { ...answer(), recipients: [{ ...ann, transport: { ...ann.transport!, mailboxAccess } }] };
      },
      acceptKey: () => Promise.reject(new Error('the send handler accepts no key')),
    };
    return { backend, asked };
  }

  test('a domain whose mailboxes require TLS: tagged and sent, without asking for mailbox access', async () => {
    const sim = message();
    const { backend, asked } = lastMileBackend('tls-only');
    const handler = sendHandler({
      host: () => createOfficeHost(sim.office as never),
      backend: () => backend,
      deadlineMs: 2000,
    });
    expect(await run(handler)).toEqual([{ allowEvent: true }]);
    expect(sim.state.subject).toBe('#secure# Report');
    // The service waits for mailbox access here because the policy needs it, not because the send check asks.
    expect(asked).toEqual([{}]);
  });

  test.each(['tls-offered', 'unknown'] as const)(
    'mailbox access %s: blocked, with the sentence the pane shows',
    async (access) => {
      const sim = message();
      const { backend } = lastMileBackend(access);
      const host = () => createOfficeHost(sim.office as never);
      const pane = planWith(await loadMessage({ host: host(), backend }), undefined);
      const sentence = pane.plan.recipients[0]!.refused.tls!;
      expect(sentence).toMatch(
        /^(people at|how people at) dane-ee\.sendguard\.test .*this message needs TLS all the way to their mailbox$/,
      );
      const [options] = await run(sendHandler({ host, backend: () => backend, deadlineMs: 2000 }));
      expect(options).toMatchObject({ allowEvent: false });
      expect(options!.errorMessage).toContain(sentence);
      expect(sim.state.subject).toBe('Report');
    },
  );
});
