/**
 * Issue item 1: the pane and the send check evaluate a message through one function, so for any message and any
 * answer they reach the same verdict — including a body longer than the detectors read, where they once differed.
 * The pane also knows whether the sender set a passcode, which the send check cannot: that changes secure-pickup
 * recipients' proofs only, never the verdict.
 */
import fc from 'fast-check';
import type { AssessAnswer, Backend } from '../../src/addin/backend';
import type { MailHost } from '../../src/addin/host';
import { CLASSIFICATION_HEADER } from '../../src/addin/protect/applied';
import { checkSend, readAndEvaluate } from '../../src/addin/send-check';
import type { PlannedMessage } from '../../src/addin/assessment';
import { loadMessage, planWith } from '../../src/addin/state';
import { DEFAULT_MAX_CHARS } from '../../src/core/detectors';
import { validatePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';
import { KEY_VERDICTS, RECIPIENT_PROOFS, TRANSPORT_VERDICTS } from '../../src/core/vocabulary';
import { defaultPolicy } from '../helpers/policy';

interface Message {
  to: string[];
  cc: string[];
  text: string;
  /** The text comes after a run longer than the detectors read (a flag, so a failure prints short). */
  long?: boolean;
  chosen?: string;
  label?: string;
}

function hostFor(message: Message): MailHost {
  const headers: Record<string, string> = message.chosen ? { [CLASSIFICATION_HEADER]: message.chosen } : {};
  const nothing = async () => undefined;
  return {
    getRecipients: async () => ({
      to: message.to.map((address) => ({ address })),
      cc: message.cc.map((address) => ({ address })),
      bcc: [],
    }),
    setRecipients: nothing,
    getSubject: async () => 'Report',
    setSubject: nothing,
    getBody: async () => (message.long ? `${PADDING}${message.text}` : message.text),
    setBody: nothing,
    listAttachments: async () => [],
    getAttachmentContent: async () => new ArrayBuffer(0),
    addAttachment: nothing,
    removeAttachment: nothing,
    getHeader: async (name) => headers[name],
    setHeaders: nothing,
    save: nothing,
    getSensitivityLabel: async () => message.label,
    getSenderAddress: nothing,
    notify: nothing,
    theme: () => 'light',
    onRecipientsChanged: () => () => undefined,
  };
}

const backendFor = (answer: AssessAnswer, policy: Policy = defaultPolicy()): Backend => ({
  policy: async () => ({ version: 'v1', policy }),
  assess: async () => answer,
  acceptKey: () => Promise.reject(new Error('these tests accept no key')),
});

const ADDRESSES = ['ann@a.example', 'bob@b.example', 'cy@example.gov', 'dee@a.example', 'ed@c.example'];
const SSN = 'Her SSN is 234-56-7890.';
const IBAN = 'IBAN DE89 3704 0044 0532 0130 00';
/** Longer than the detectors read: whatever follows it goes unread. */
const PADDING = 'Minutes of the meeting. '.repeat(Math.ceil(DEFAULT_MAX_CHARS / 24));

const textArb = fc
  .array(fc.constantFrom('Hello.', SSN, IBAN, 'Lunch at noon?', '\n'))
  .map((parts) => parts.join(' '));

const messageArb: fc.Arbitrary<Message> = fc.record(
  {
    to: fc.subarray(ADDRESSES, { minLength: 1 }),
    cc: fc.subarray(ADDRESSES),
    text: textArb,
    // One message in six is longer than the detectors read.
    long: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    chosen: fc.constantFrom('normal', 'confidential', 'restricted'),
    label: fc.constantFrom('Confidential', 'Highly Confidential', 'Public'),
  },
  { requiredKeys: ['to', 'cc', 'text', 'long'] },
);

/** An answer for every listed address: assessed with any verdicts, or listed as invalid. */
function answerArb(message: Message): fc.Arbitrary<AssessAnswer> {
  const listed = [...new Set([...message.to, ...message.cc])];
  return fc
    .record({
      partial: fc.boolean(),
      facts: fc.tuple(
        ...listed.map(() =>
          fc.record({
            // About one address in eight comes back invalid.
            invalid: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
            transport: fc.constantFrom(...TRANSPORT_VERDICTS),
            key: fc.constantFrom(...KEY_VERDICTS),
            signIn: fc.boolean(),
          }),
        ),
      ),
    })
    .map(({ partial, facts }) => {
      const answer: AssessAnswer = { policyVersion: 'v1', partial, recipients: [], invalid: [] };
      listed.forEach((address, i) => {
        const fact = facts[i]!;
        const domain = address.split('@')[1]!;
        if (fact.invalid) {
          answer.invalid.push({ input: address, reason: 'is not an address' });
          return;
        }
        const internal = domain === 'example.gov';
        answer.recipients.push({
          input: address,
          address,
          domain,
          internal,
          ...(internal ? {} : { transport: { domain, verdict: fact.transport, reasons: [] } }),
          key:
            fact.key === 'valid'
              ? { address, verdict: 'valid', source: 'org', fingerprint: 'A'.repeat(40), reasons: [] }
              : { address, verdict: fact.key, reasons: [] },
          ...(fact.signIn ? { signIn: { provider: 'google', label: 'Google' } } : {}),
        });
      });
      return answer;
    });
}

/** The shipped policy with secure pickup's proofs per classification and the routes a code may cross. */
const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    proofs: fc.dictionary(
      fc.constantFrom('normal', 'confidential', 'restricted'),
      fc.subarray([...RECIPIENT_PROOFS], { minLength: 1 }),
    ),
    codeTransport: fc.subarray([...TRANSPORT_VERDICTS], { minLength: 1 }),
  })
  .map(({ proofs, codeTransport }) =>
    validatePolicy({ ...defaultPolicy(), escrow: { enabled: true, proofs, codeTransport } }),
  );

/** What the verdict is made of: the action, and each recipient's protection and what it allows and refuses. */
function verdictOf(plan: PlannedMessage['plan']) {
  return {
    action: plan.action,
    groups: plan.groups,
    blocked: plan.blocked,
    recipients: plan.recipients.map((r) => [r.address, r.protection, r.allowed, r.refused]),
  };
}

test('for any message, answer and passcode, the pane’s verdict and the send check’s are the same', async () => {
  await fc.assert(
    fc.asyncProperty(
      messageArb.chain((message) => fc.tuple(fc.constant(message), answerArb(message))),
      policyArb,
      fc.boolean(),
      async ([message, answer], policy, passcodeSet) => {
        const host = hostFor(message);
        const backend = backendFor(answer, policy);
        const loaded = await loadMessage({ host, backend });
        const pane = planWith(loaded, undefined, passcodeSet);
        const send = await readAndEvaluate(host, backend);
        const decision = await checkSend(host, backend);
        if (send.kind !== 'planned') throw new Error(`the send check failed: ${JSON.stringify(send)}`);
        expect(send.planned.truncated).toBe(pane.truncated);
        expect(send.planned.classification).toEqual(pane.classification);
        expect(verdictOf(send.planned.plan)).toEqual(verdictOf(pane.plan));
        // Without a passcode the pane's plan is the send check's, proofs and words included.
        expect(send.planned.plan).toEqual(planWith(loaded, undefined, false).plan);
        // What the pane shows as the plan is what the send check does: only send and tag go without the pane.
        expect(decision.kind === 'allow').toBe(pane.plan.action === 'send' || pane.plan.action === 'tag');
      },
    ),
    { numRuns: 60 },
  );
}, 60_000);

test('a body past the scan limit: the pane plans as the send check does, never lower', async () => {
  const message: Message = { to: ['ann@a.example'], cc: [], text: SSN, long: true };
  const answer: AssessAnswer = {
    policyVersion: 'v1',
    partial: false,
    recipients: [
      {
        input: 'ann@a.example',
        address: 'ann@a.example',
        domain: 'a.example',
        internal: false,
        transport: { domain: 'a.example', verdict: 'authenticated', reasons: [] },
        key: { address: 'ann@a.example', verdict: 'none', reasons: [] },
      },
    ],
    invalid: [],
  };
  const host = hostFor(message);
  const pane = planWith(await loadMessage({ host, backend: backendFor(answer) }), undefined);
  expect(pane.truncated).toBe(true);
  expect(pane.plan.classification).toBe('restricted');
  expect(await checkSend(host, backendFor(answer))).toMatchObject({ kind: 'block' });
});
