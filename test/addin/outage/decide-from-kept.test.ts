/**
 * An outage neither blocks everyone nor fails open: the send check keeps the verdicts and policy the service signed
 * (the server's own signer, a real Ed25519 key) and, when the service cannot be reached, decides from them — for
 * `send` and `tag` plans only, every recipient covered by a verdict younger than `outage.maxVerdictAge`. Stale,
 * forged, another deployment's, partial coverage, a plan needing OpenPGP or pickup, a refused sign-in: stopped.
 */
import { randomBytes } from 'node:crypto';
import { BackendError, type AssessAnswer, type Backend } from '../../../src/addin/backend';
import { keepingVerdicts, keptVerdicts, type KeptText } from '../../../src/addin/outage/kept-store';
import { memoryKeptText } from '../../../src/addin/outage/kept-text';
import type { OutageFallback } from '../../../src/addin/outage/from-kept';
import type { MessageReader } from '../../../src/addin/read-message';
import { checkSend, type SendDecision } from '../../../src/addin/send-check';
import type { Policy } from '../../../src/core/policy/schema';
import type { SignedStatement } from '../../../src/core/signed/statement';
import { verdictKeyOf } from '../../../src/server/verdicts/key';
import { verdictSigner } from '../../../src/server/verdicts/signer';
import { assessedRecipient } from '../../helpers/assess-answer';
import { ManualClock } from '../../helpers/clock';
import { defaultPolicy } from '../../helpers/policy';

const DEPLOYMENT = 'https://sendguard.example';
const IBAN = 'Pay to DE89 3704 0044 0532 0130 00.';
const SSN = 'Her SSN is 219-45-6780.';
const HOUR = 3_600_000;

const key = verdictKeyOf(randomBytes(32));
const trust = { publicKey: key.publicKey, deployment: DEPLOYMENT };

function hostOf(to: string[], text: string): MessageReader & { subject: string } {
  return {
    subject: 'Salaries',
    getRecipients: async () => ({ to: to.map((address) => ({ address })), cc: [], bcc: [] }),
    getSubject: async () => 'Salaries',
    getBody: async () => text,
    getHeader: async () => undefined,
  };
}

const RECIPIENTS: AssessAnswer['recipients'] = [
  assessedRecipient('ann@tls.example', 'authenticated'),
  assessedRecipient('bob@tls.example', 'encrypted'),
  assessedRecipient('cat@plain.example', 'none'),
];

interface Service {
  backend: Backend;
  clock: ManualClock;
  /** From now on every request fails as `error` does. */
  down(error?: BackendError): void;
}

/**
 * A service signing with `signingKey` as `deployment`, its answers kept by the send check's backend in `text`.
 * `tamper` changes each signed statement the service hands out (a forgery the test plants).
 */
function serviceOf(
  options: {
    policy?: Policy;
    deployment?: string;
    signingKey?: ReturnType<typeof verdictKeyOf>;
    text?: KeptText;
    /** The policy version the verdicts are signed under, when not the policy's own (`v1`). */
    verdictVersion?: string;
  } = {},
): Service {
  const clock = new ManualClock();
  const policy = options.policy ?? defaultPolicy();
  const signer = verdictSigner({
    key: options.signingKey ?? key,
    deployment: options.deployment ?? DEPLOYMENT,
    clock,
  });
  let failure: BackendError | undefined;
  const answerFor = (inputs: readonly string[]): AssessAnswer => {
    const recipients = RECIPIENTS.filter((r) => inputs.includes(r.input));
    return {
      policyVersion: 'v1',
      partial: false,
      recipients,
      invalid: [],
      signed: signer.recipients(recipients, options.verdictVersion ?? 'v1'),
    };
  };
  const service: Backend = {
    async assess(inputs) {
      if (failure) throw failure;
      return answerFor(inputs);
    },
    async policy() {
      if (failure) throw failure;
      const answer = { version: 'v1', policy };
      return { ...answer, signed: signer.policy(answer) };
    },
    acceptKey: async () => {
      throw new Error('not used');
    },
  };
  const kept = keptVerdicts(options.text ?? memoryKeptText());
  return {
    backend: keepingVerdicts(service, { kept, trust, now: () => clock.now() }),
    clock,
    down: (error = new BackendError('BACKEND_UNREACHABLE', 'connection refused')) => (failure = error),
  };
}

/** Sends once while the service answers, so that its verdicts for `to` are kept. */
async function sentOnline(service: Service, to: string[]): Promise<void> {
  expect((await checkSend(hostOf(to, IBAN), service.backend)).kind).not.toBe('unanswered');
  // The kept statements are written once the answer is read; let that finish.
  await new Promise((resolve) => setImmediate(resolve));
}

function expectStopped(decision: SendDecision, ...words: string[]): void {
  expect(decision.kind).toBe('unanswered');
  const { text } = decision as Extract<SendDecision, { kind: 'unanswered' }>;
  expect(text).toContain('could not be reached');
  for (const word of words) expect(text).toContain(word);
  expect(text.length).toBeLessThanOrEqual(500);
}

describe('deciding from kept verdicts while the service cannot be reached', () => {
  test('fresh verdicts, a forced-TLS plan: tagged and allowed, saying how old the verdicts are', async () => {
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example', 'bob@tls.example']);
    service.down();
    service.clock.advance(3 * HOUR);
    const decision = await checkSend(hostOf(['ann@tls.example', 'bob@tls.example'], IBAN), service.backend);
    expect(decision).toMatchObject({
      kind: 'allow',
      changes: { subject: '#secure# Salaries', headers: { 'X-Sendguard-Force-TLS': 'yes' } },
    });
    expect((decision as { why: string }).why).toContain('Decided from verdicts of 3 hours ago');
  });

  test('a time-out counts as an outage too, and a plain `send` plan goes', async () => {
    const service = serviceOf();
    await sentOnline(service, ['cat@plain.example']);
    service.down(new BackendError('BACKEND_TIMEOUT', '3500 ms'));
    service.clock.advance(10 * 60_000);
    const decision = await checkSend(hostOf(['cat@plain.example'], 'Lunch?'), service.backend);
    expect(decision).toMatchObject({ kind: 'allow' });
    expect((decision as { why: string }).why).toContain('verdicts of 10 minutes ago');
  });

  test('a balancer’s 502, 503 or 504 is an outage; the service’s own 500 is not', async () => {
    for (const status of [502, 503, 504]) {
      const service = serviceOf();
      await sentOnline(service, ['ann@tls.example']);
      service.down(new BackendError('BACKEND_REFUSED', `HTTP ${status}`, { status }));
      expect((await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend)).kind).toBe('allow');
    }
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example']);
    service.down(new BackendError('BACKEND_REFUSED', 'HTTP 500', { status: 500 }));
    const decision = await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend);
    expect(decision).toMatchObject({ kind: 'unanswered' });
    expect((decision as { text: string }).text).not.toContain('verdicts');
  });

  test('stale: verdicts older than outage.maxVerdictAge (24 h by default) stop the message', async () => {
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    service.clock.advance(25 * HOUR);
    const decision = await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend);
    expectStopped(decision, 'ann@tls.example', 'older than 24 hours');
  });

  test('the policy sets the age: maxVerdictAge 2h, 3 hours later, stopped', async () => {
    const service = serviceOf({ policy: defaultPolicy({ outage: { maxVerdictAge: '2h' } }) });
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    service.clock.advance(HOUR);
    expect((await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend)).kind).toBe('allow');
    service.clock.advance(2 * HOUR);
    expectStopped(await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend), 'older than 2 hours');
  });

  test('verdicts signed under another policy version than the kept policy’s are not used', async () => {
    const service = serviceOf({ verdictVersion: 'v0' });
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    expectStopped(
      await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend),
      'no verdicts it can trust',
    );
  });

  test('a verdict signed more than 5 minutes in this computer’s future cannot be dated: not used', async () => {
    const service = serviceOf();
    // The service's clock 10 minutes ahead of the add-in's.
    service.clock.advance(10 * 60_000);
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    const backend = keepingVerdicts(service.backend, {
      kept: (service.backend.outage as OutageFallback).kept,
      trust,
      now: () => service.clock.now() - 10 * 60_000,
    });
    expectStopped(
      await checkSend(hostOf(['ann@tls.example'], IBAN), backend),
      'dated ahead of this computer',
    );
  });

  test('maxVerdictAge 0 turns it off', async () => {
    const service = serviceOf({ policy: defaultPolicy({ outage: { maxVerdictAge: '0' } }) });
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    expectStopped(
      await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend),
      'does not let it decide',
    );
  });

  test('partial coverage: one recipient never assessed stops the whole message, naming that recipient', async () => {
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    const decision = await checkSend(hostOf(['ann@tls.example', 'bob@tls.example'], IBAN), service.backend);
    expectStopped(decision, 'no verdicts it can trust for bob@tls.example');
  });

  test('a plan that needs OpenPGP or secure pickup is never made from kept verdicts', async () => {
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    // An SSN makes the message restricted: end-to-end, OpenPGP or secure pickup.
    const decision = await checkSend(hostOf(['ann@tls.example'], SSN), service.backend);
    expectStopped(decision, 'secure pickup, which needs the service');
  });

  test('a plan the kept verdicts would block is stopped, with the plan’s reason', async () => {
    const service = serviceOf();
    await sentOnline(service, ['cat@plain.example']);
    service.down();
    // Confidential to a domain without STARTTLS: pickup at best, which needs the service.
    const decision = await checkSend(hostOf(['cat@plain.example'], IBAN), service.backend);
    expectStopped(decision, 'Nor could it decide from the verdicts it kept');
  });

  test('forged: a kept verdict changed in storage (none → authenticated) is ignored', async () => {
    let stored: string | undefined;
    const text: KeptText = {
      read: async () => stored,
      write: async (t) => {
        stored = t;
      },
    };
    const service = serviceOf({ text });
    await sentOnline(service, ['cat@plain.example']);
    expect(stored).toContain('\\"verdict\\":\\"none\\"');
    stored = stored!.replace('\\"verdict\\":\\"none\\"', '\\"verdict\\":\\"authenticated\\"');
    // A new runtime reads what storage holds.
    const reopened = keptVerdicts(text);
    const fallback = { kept: reopened, trust, now: () => service.clock.now() };
    service.down();
    const backend = keepingVerdicts(service.backend, fallback);
    expectStopped(await checkSend(hostOf(['cat@plain.example'], IBAN), backend), 'no verdicts it can trust');
  });

  test('signed by another key, or naming another deployment: ignored', async () => {
    for (const options of [
      { signingKey: verdictKeyOf(randomBytes(32)) },
      { deployment: 'https://staging.example' },
    ]) {
      const service = serviceOf(options);
      await sentOnline(service, ['ann@tls.example']);
      service.down();
      expectStopped(
        await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend),
        'kept no policy signed by the service',
      );
    }
  });

  test('a verdict re-filed under another recipient is not that recipient’s', async () => {
    let stored: string | undefined;
    const text: KeptText = { read: async () => stored, write: async (t) => void (stored = t) };
    const service = serviceOf({ text });
    await sentOnline(service, ['ann@tls.example']);
    stored = stored!.replace('["ann@tls.example",', '["cat@plain.example",');
    service.down();
    const backend = keepingVerdicts(service.backend, {
      kept: keptVerdicts(text),
      trust,
      now: () => service.clock.now(),
    });
    expectStopped(await checkSend(hostOf(['cat@plain.example'], IBAN), backend), 'cat@plain.example');
  });

  test('a refused sign-in is not an outage: no kept verdict lets the message go', async () => {
    const service = serviceOf();
    await sentOnline(service, ['ann@tls.example']);
    service.down(new BackendError('BACKEND_UNAUTHORIZED', 'HTTP 401'));
    const decision = await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend);
    expect(decision).toMatchObject({ kind: 'unanswered', signIn: true });
    expect((decision as { text: string }).text).not.toContain('verdicts');
  });

  test('an answer is given once its statements are written, the same policy is not written again', async () => {
    const writes: string[] = [];
    const text: KeptText = { read: async () => writes.at(-1), write: async (t) => void writes.push(t) };
    const service = serviceOf({ text });
    // No wait: the send handler's runtime may end as soon as the check completes.
    await service.backend.assess(['ann@tls.example']);
    expect(writes.at(-1)).toContain('ann@tls.example');
    await service.backend.policy();
    const written = writes.length;
    await service.backend.policy();
    expect(writes).toHaveLength(written);
  });

  test('storage that never answers holds an answer up a quarter second at most', async () => {
    const text: KeptText = { read: () => new Promise(() => undefined), write: async () => undefined };
    const service = serviceOf({ text });
    const started = Date.now();
    const answer = await service.backend.assess(['ann@tls.example']);
    expect(answer.recipients).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a write that fails neither fails nor holds up the answer, and the verdicts stay kept in memory', async () => {
    const text: KeptText = {
      read: async () => undefined,
      write: () => Promise.reject(new Error('quota exceeded')),
    };
    const service = serviceOf({ text });
    await sentOnline(service, ['ann@tls.example']);
    service.down();
    expect((await checkSend(hostOf(['ann@tls.example'], IBAN), service.backend)).kind).toBe('allow');
  });

  test('the newest 500 verdicts are kept, the oldest dropped', async () => {
    let stored: string | undefined;
    const text: KeptText = { read: async () => stored, write: async (t) => void (stored = t) };
    const kept = keptVerdicts(text);
    const statement: SignedStatement = { payload: '{}', signature: 'x' };
    const inputs = Array.from({ length: 520 }, (_, i) => `r${i}@example.org`);
    kept.keepAnswer({
      policyVersion: 'v1',
      partial: false,
      recipients: inputs.map((input) => assessedRecipient(input, 'none')),
      invalid: [],
      signed: inputs.map(() => statement),
    });
    await new Promise((resolve) => setImmediate(resolve));
    const { verdicts } = await keptVerdicts(text).read();
    expect(verdicts.size).toBe(500);
    expect(verdicts.has('r19@example.org')).toBe(false);
    expect(verdicts.has('r519@example.org')).toBe(true);
  });
});
