/**
 * The pane's assessments kept per recipient: each address is asked about once however often the recipients
 * change, a set asked while an earlier request covers some of it waits for that request, and only what the service
 * fully answered is kept. The backend below answers as the service does and records every batch it was asked.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import { KEPT_ASSESSMENT_MS, KEPT_POLICY_MS, withKeptAssessments } from '../../src/addin/kept-assessments';
import { assessedRecipient } from '../helpers/assess-answer';

interface FakeService {
  backend: Backend;
  /** Every batch asked, in order. */
  asked: string[][];
  /** The sender each batch asked about, in order (undefined: none). */
  senders: (string | undefined)[];
  /** Whether each batch asked for mailbox access, in order. */
  mailboxAccess: boolean[];
  /** Holds answers until `release()` (a slow service). */
  hold(): void;
  release(): void;
  partial: boolean;
  policyVersion: string;
}

/** What the service answers about `recipients` under `policyVersion`. */
function serviceAnswer(recipients: readonly string[], policyVersion: string, partial = false): AssessAnswer {
  return {
    policyVersion,
    partial,
    recipients: recipients.filter((r) => r.includes('@')).map((r) => assessedRecipient(r, 'encrypted')),
    invalid: recipients.filter((r) => !r.includes('@')).map((input) => ({ input, reason: 'no @' })),
  };
}

function fakeService(): FakeService {
  let held: Array<() => void> | undefined;
  const service: FakeService = {
    asked: [],
    senders: [],
    mailboxAccess: [],
    partial: false,
    policyVersion: 'v1',
    hold: () => {
      held = [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    backend: {
      async assess(recipients, { sender, mailboxAccess = false } = {}) {
        service.asked.push([...recipients]);
        service.senders.push(sender);
        service.mailboxAccess.push(mailboxAccess);
        if (held) await new Promise<void>((resolve) => held!.push(resolve));
        const answer = serviceAnswer(recipients, service.policyVersion, service.partial);
        if (sender === undefined) return answer;
        const domain = sender.slice(sender.indexOf('@') + 1);
        return { ...answer, replyPath: { domain, verdict: 'authenticated', reasons: [] } };
      },
      policy: async () => ({ version: 'v1', policy: {} as never }),
      acceptKey: async (address, fingerprint) => ({
        address,
        verdict: 'valid',
        fingerprint,
        reasons: [],
      }),
    },
  };
  return service;
}

const inputs = (answer: AssessAnswer) => [
  ...answer.recipients.map((r) => r.input),
  ...answer.invalid.map((r) => r.input),
];

test('the same recipient set is asked about once; a grown set asks only for the new recipient', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  const first = await backend.assess(['ann@a.example', 'bo@b.example', 'nobody']);
  const again = await backend.assess(['ann@a.example', 'bo@b.example', 'nobody']);
  expect(again).toEqual(first);
  const grown = await backend.assess(['bo@b.example', 'cy@c.example', 'ann@a.example']);
  expect(service.asked).toEqual([['ann@a.example', 'bo@b.example', 'nobody'], ['cy@c.example']]);
  // In the order asked, as the service answers.
  expect(grown.recipients.map((r) => r.input)).toEqual(['bo@b.example', 'cy@c.example', 'ann@a.example']);
  expect(grown).toMatchObject({ policyVersion: 'v1', partial: false, invalid: [] });
});

test('a set asked while a request covering part of it is on its way waits for it, and asks only the rest', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  service.hold();
  const opening = backend.assess(['ann@a.example', 'bo@b.example']);
  const changed = backend.assess(['ann@a.example', 'bo@b.example', 'cy@c.example']);
  const same = backend.assess(['bo@b.example', 'ann@a.example']);
  service.release();
  const [first, second, third] = await Promise.all([opening, changed, same]);
  expect(service.asked).toEqual([['ann@a.example', 'bo@b.example'], ['cy@c.example']]);
  expect(inputs(first)).toEqual(['ann@a.example', 'bo@b.example']);
  expect(inputs(second)).toEqual(['ann@a.example', 'bo@b.example', 'cy@c.example']);
  expect(inputs(third)).toEqual(['bo@b.example', 'ann@a.example']);
});

test('a partial answer is shown but not kept: the next ask asks again', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  service.partial = true;
  expect((await backend.assess(['ann@a.example'])).partial).toBe(true);
  service.partial = false;
  expect((await backend.assess(['ann@a.example'])).partial).toBe(false);
  await backend.assess(['ann@a.example']);
  expect(service.asked).toEqual([['ann@a.example'], ['ann@a.example']]);
});

test('another policy version drops what was kept: the recipients are asked about again under it', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  await backend.assess(['ann@a.example']);
  service.policyVersion = 'v2';
  const answer = await backend.assess(['ann@a.example', 'bo@b.example']);
  expect(answer.policyVersion).toBe('v2');
  // bo's answer came under v2 already; ann's, under v1, is asked for again.
  expect(service.asked).toEqual([['ann@a.example'], ['bo@b.example'], ['ann@a.example']]);
});

test('an accepted key, and an answer older than the kept time, are asked about again', async () => {
  const service = fakeService();
  let now = 0;
  const backend = withKeptAssessments(service.backend, { now: () => now });
  await backend.assess(['ann@a.example', 'bo@b.example']);
  await backend.acceptKey('ann@a.example', 'A'.repeat(40));
  await backend.assess(['ann@a.example', 'bo@b.example']);
  now += KEPT_ASSESSMENT_MS;
  await backend.assess(['bo@b.example']);
  expect(service.asked).toEqual([['ann@a.example', 'bo@b.example'], ['ann@a.example'], ['bo@b.example']]);
});

test('an accepted key is forgotten under every spelling the host listed the mailbox with', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  await backend.assess(['Bob@example.com', 'ann@a.example']);
  await backend.acceptKey('bob@EXAMPLE.com', 'B'.repeat(40));
  await backend.assess(['Bob@example.com', 'ann@a.example']);
  expect(service.asked).toEqual([['Bob@example.com', 'ann@a.example'], ['Bob@example.com']]);
});

test('a late answer under a policy version a later request replaced neither sets it back nor drops what was kept', async () => {
  let openGate!: () => void;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  const asked: string[][] = [];
  const backend = withKeptAssessments({
    ...fakeService().backend,
    async assess(recipients) {
      // A rolling deploy: the first request reaches a node still on the old policy, which answers last.
      const onOldNode = asked.push([...recipients]) === 1;
      if (onOldNode) await gate;
      return serviceAnswer(recipients, onOldNode ? 'v1' : 'v2');
    },
  });
  const late = backend.assess(['ann@a.example']);
  expect((await backend.assess(['bo@b.example'])).policyVersion).toBe('v2');
  openGate();
  // ann's answer under v1 is not taken: she is asked about again, and bo's answer under v2 is still kept.
  expect((await late).policyVersion).toBe('v2');
  expect((await backend.assess(['ann@a.example', 'bo@b.example'])).policyVersion).toBe('v2');
  expect(asked).toEqual([['ann@a.example'], ['bo@b.example'], ['ann@a.example']]);
});

/** The collector, which a pane's memory is left to: whether an answer is still held shows only there. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A weak reference to what the service answered about `address`, held by nothing else. */
async function answerHeldFor(backend: Backend, address: string): Promise<WeakRef<object>> {
  return new WeakRef((await backend.assess([address])).recipients[0]!);
}

test('a pane left open lets go of answers older than the kept time as it keeps new ones', async () => {
  let now = 0;
  const backend = withKeptAssessments(fakeService().backend, { now: () => now });
  const old = await answerHeldFor(backend, 'ann@a.example');
  now += KEPT_ASSESSMENT_MS;
  const recent = await answerHeldFor(backend, 'bo@b.example');
  // Weak references hold their target until the current task ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  expect({ old: old.deref() === undefined, recent: recent.deref() === undefined }).toEqual({
    old: true,
    recent: false,
  });
});

test('a failed request fails every ask waiting on it, and is not kept', async () => {
  const service = fakeService();
  let down = true;
  const backend = withKeptAssessments({
    ...service.backend,
    assess: (recipients) => (down ? Promise.reject(new Error('down')) : service.backend.assess(recipients)),
  });
  const asks = [backend.assess(['ann@a.example']), backend.assess(['ann@a.example'])];
  await expect(Promise.all(asks)).rejects.toThrow('down');
  down = false;
  expect(inputs(await backend.assess(['ann@a.example']))).toEqual(['ann@a.example']);
  expect(service.asked).toEqual([['ann@a.example']]);
});

test('a policy request made while another is on its way shares it', async () => {
  let asked = 0;
  const service = fakeService();
  const backend = withKeptAssessments({
    ...service.backend,
    policy: async () => {
      asked++;
      return { version: 'v1', policy: {} as never };
    },
  });
  await Promise.all([backend.policy(), backend.policy()]);
  expect(asked).toBe(1);
});

test('the policy asked ahead serves the next asks for a few seconds, unless an assessment reports another version', async () => {
  const service = fakeService();
  let policyRequests = 0;
  service.backend.policy = async () => (policyRequests++, { version: 'v1', policy: {} as never });
  let now = 0;
  const backend = withKeptAssessments(service.backend, { now: () => now });
  await backend.policy();
  now += KEPT_POLICY_MS - 1;
  await backend.policy();
  expect(policyRequests).toBe(1);
  now += 1;
  await backend.policy();
  expect(policyRequests).toBe(2);

  service.policyVersion = 'v2';
  await backend.assess(['ann@a.example']);
  await backend.policy();
  expect(policyRequests).toBe(3);
});

test('the reply path is kept per sender beside the recipients: asked once, alone when the recipients are kept', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  const sender = { sender: 'me@example.gov' };
  const first = await backend.assess(['ann@a.example'], sender);
  expect(first.replyPath).toEqual({ domain: 'example.gov', verdict: 'authenticated', reasons: [] });
  expect(await backend.assess(['ann@a.example'], sender)).toEqual(first);
  // The recipients kept, another sender: only that sender's reply path is asked for.
  const other = await backend.assess(['ann@a.example'], { sender: 'you@other.example' });
  expect(other.replyPath?.domain).toBe('other.example');
  // Asked without a sender (the send check's way): no reply path, and nothing asked.
  expect(await backend.assess(['ann@a.example'])).not.toHaveProperty('replyPath');
  expect(service.asked).toEqual([['ann@a.example'], []]);
  expect(service.senders).toEqual(['me@example.gov', 'you@other.example']);
});

test('the pane’s ask for mailbox access goes with every batch it starts', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  await backend.assess(['ann@a.example'], { sender: 'me@example.gov', mailboxAccess: true });
  await backend.assess(['ann@a.example', 'bob@b.example'], { sender: 'me@example.gov', mailboxAccess: true });
  expect(service.asked).toEqual([['ann@a.example'], ['bob@b.example']]);
  expect(service.mailboxAccess).toEqual([true, true]);
});

test('a reply path from a partial answer is shown but asked for again', async () => {
  const service = fakeService();
  const backend = withKeptAssessments(service.backend);
  service.partial = true;
  expect((await backend.assess([], { sender: 'me@example.gov' })).partial).toBe(true);
  service.partial = false;
  expect((await backend.assess([], { sender: 'me@example.gov' })).partial).toBe(false);
  expect(service.senders).toEqual(['me@example.gov', 'me@example.gov']);
});
