/**
 * The rules that let Outlook's send check decide from answers the compose checks kept: current only for exactly the
 * same addresses, a final answer under the policy kept beside it, younger than the bound; read back only as the
 * service's answers are read; kept in memory for a bounded number of recipient sets; and the two backends that
 * note answers and give them back.
 */
import { BackendError, type AssessAnswer, type Backend } from '../../src/addin/backend';
import { KEPT_ASSESSMENT_MS } from '../../src/addin/kept-assessments';
import { keptInBoth, keptInMemory } from '../../src/addin/prefetch/answer-keepers';
import { answeringFrom, recordingAnswers } from '../../src/addin/prefetch/prefetch-backends';
import {
  addressesKey,
  currentFor,
  decidable,
  keptText,
  MAX_KEPT_CHARS,
  PREFETCH_MAX_AGE_MS,
  readKept,
  type PrefetchedAnswers,
} from '../../src/addin/prefetch/prefetched-answers';
import { readPolicyAnswer } from '../../src/core/evaluate/policy-answer';
import { defaultPolicy } from '../helpers/policy';

const ANN = 'ann@partner.example';
const BOB = 'Bob <bob@partner.example>';
const AT = 1_700_000_000_000;

function answerFor(addresses: string[], policyVersion = 'v1', partial = false): AssessAnswer {
  return {
    policyVersion,
    partial,
    recipients: addresses.map((input) => {
      const address = input.slice(input.indexOf('<') + 1).replace('>', '');
      return {
        input,
        address,
        domain: 'partner.example',
        internal: false,
        transport: { domain: 'partner.example', verdict: 'authenticated' as const, reasons: [] },
        key: { address, verdict: 'none' as const, reasons: [] },
      };
    }),
    invalid: [],
  };
}

const policy = readPolicyAnswer({ version: 'v1', policy: defaultPolicy() });

function prefetched(changes: Partial<PrefetchedAnswers> = {}): PrefetchedAnswers {
  const addresses = changes.addresses ?? [ANN, BOB];
  return { at: AT, addresses, policy, answer: answerFor(addresses), ...changes };
}

describe('currentFor', () => {
  test('the same addresses in another order, or listed twice (To and Cc), are the same set', () => {
    expect(currentFor(prefetched(), [BOB, ANN, ANN], AT + 1)).toBe(true);
    expect(addressesKey([BOB, ANN, ANN])).toBe(addressesKey([ANN, BOB]));
  });

  test('an address more, fewer or spelt otherwise is another set', () => {
    expect(currentFor(prefetched(), [ANN], AT)).toBe(false);
    expect(currentFor(prefetched(), [ANN, BOB, 'eve@partner.example'], AT)).toBe(false);
    expect(currentFor(prefetched(), ['Ann@partner.example', BOB], AT)).toBe(false);
  });

  test('younger than the bound, the pane’s own ten minutes: current; at the bound or dated ahead: not', () => {
    expect(PREFETCH_MAX_AGE_MS).toBe(KEPT_ASSESSMENT_MS);
    expect(currentFor(prefetched(), [ANN, BOB], AT + PREFETCH_MAX_AGE_MS - 1)).toBe(true);
    expect(currentFor(prefetched(), [ANN, BOB], AT + PREFETCH_MAX_AGE_MS)).toBe(false);
    expect(currentFor(prefetched(), [ANN, BOB], AT - 1)).toBe(false);
  });

  test('a partial answer, or one under another policy version, is never current', () => {
    expect(currentFor(prefetched({ answer: answerFor([ANN, BOB], 'v1', true) }), [ANN, BOB], AT)).toBe(false);
    expect(currentFor(prefetched({ answer: answerFor([ANN, BOB], 'v2') }), [ANN, BOB], AT)).toBe(false);
  });

  test('decidable: a final answer under the kept policy, whatever its addresses or age', () => {
    expect(decidable(prefetched({ at: AT - 10 * PREFETCH_MAX_AGE_MS }))).toBe(true);
    expect(decidable(prefetched({ answer: answerFor([ANN, BOB], 'v1', true) }))).toBe(false);
    expect(decidable(prefetched({ answer: answerFor([ANN, BOB], 'v2') }))).toBe(false);
  });
});

describe('keptText and readKept', () => {
  test('read back as written', () => {
    expect(readKept(keptText(prefetched())!)).toEqual(prefetched());
  });

  test('longer than the item holds: not written, and not read', () => {
    const many = Array.from({ length: 400 }, (_, i) => `recipient-${i}@partner.example`);
    expect(keptText(prefetched({ addresses: many }))).toBeUndefined();
    const text = keptText(prefetched())!;
    expect(readKept(text + ' '.repeat(MAX_KEPT_CHARS - text.length))).toEqual(prefetched());
    expect(readKept(text + ' '.repeat(MAX_KEPT_CHARS - text.length + 1))).toBeUndefined();
  });

  test.each([
    [
      'an answer that leaves an address out',
      (p: PrefetchedAnswers) => ({ ...p, addresses: [...p.addresses, 'x@y.example'] }),
    ],
    ['a time that is not a number', (p: PrefetchedAnswers) => ({ ...p, at: String(p.at) })],
    ['addresses that are not strings', (p: PrefetchedAnswers) => ({ ...p, addresses: [1, 2] })],
    ['a policy that does not read', (p: PrefetchedAnswers) => ({ ...p, policy: { version: 'v1' } })],
  ])('%s: undefined', (_, damage) => {
    expect(readKept(JSON.stringify(damage(prefetched())))).toBeUndefined();
  });
});

describe('keptInMemory', () => {
  test('keeps the latest answers per set, the oldest set dropped past the bound', async () => {
    const memory = keptInMemory(2);
    await memory.keep(prefetched({ addresses: [ANN] }));
    await memory.keep(prefetched({ addresses: [BOB] }));
    await memory.keep(prefetched({ addresses: [ANN], at: AT + 5 }));
    await memory.keep(prefetched({ addresses: [ANN, BOB] }));
    expect(await memory.find([BOB])).toBeUndefined();
    expect((await memory.find([ANN]))?.at).toBe(AT + 5);
    expect(await memory.find([BOB, ANN])).toBeDefined();
  });

  test('keptInBoth: memory first, else the second keeper; keeping writes both', async () => {
    const [memory, item] = [keptInMemory(), keptInMemory()];
    await item.keep(prefetched({ addresses: [ANN] }));
    const both = keptInBoth(memory, item);
    expect(await both.find([ANN])).toBeDefined();
    await both.keep(prefetched({ addresses: [BOB] }));
    expect(await memory.find([BOB])).toBeDefined();
    expect(await item.find([BOB])).toBeDefined();
  });
});

/** A backend answering every assessment for the addresses asked, under `version`, counting the questions. */
function countingBackend(version = 'v1') {
  const asked: string[][] = [];
  const backend = {
    assess: (recipients: readonly string[]) => {
      asked.push([...recipients]);
      return Promise.resolve(answerFor([...recipients], version));
    },
    policy: () => Promise.resolve({ ...policy, version }),
    acceptKey: () => Promise.reject(new Error('not here')),
  } satisfies Backend;
  return { asked, backend };
}

describe('recordingAnswers', () => {
  test('notes the policy and the send check’s kind of assessment, dated when asked', async () => {
    let now = AT;
    const { backend } = countingBackend();
    const recording = recordingAnswers(backend, () => now++);
    await Promise.all([recording.backend.policy(), recording.backend.assess([ANN])]);
    expect(recording.answers()).toEqual({ at: AT, addresses: [ANN], policy, answer: answerFor([ANN]) });
  });

  test('the pane’s kind of question (a reply path, mailbox access) is not the send check’s: not noted', async () => {
    const { backend } = countingBackend();
    const recording = recordingAnswers(backend, () => AT);
    await recording.backend.policy();
    await recording.backend.assess([ANN], { sender: 'me@example.gov' });
    await recording.backend.assess([ANN], { mailboxAccess: true });
    expect(recording.answers()).toBeUndefined();
  });

  test('nothing without the policy', async () => {
    const recording = recordingAnswers(countingBackend().backend, () => AT);
    await recording.backend.assess([ANN]);
    expect(recording.answers()).toBeUndefined();
  });
});

describe('answeringFrom', () => {
  test('the kept policy and assessment, nothing asked', async () => {
    const { asked, backend } = countingBackend();
    const answering = answeringFrom(prefetched(), backend);
    expect(await answering.policy()).toBe(policy);
    expect(await answering.assess([BOB, ANN])).toEqual(answerFor([ANN, BOB]));
    expect(asked).toEqual([]);
  });

  test('other addresses are asked about; an answer under another policy version is refused', async () => {
    const same = countingBackend();
    expect(await answeringFrom(prefetched(), same.backend).assess([ANN])).toEqual(answerFor([ANN]));
    expect(same.asked).toEqual([[ANN]]);
    const other = countingBackend('v2');
    await expect(answeringFrom(prefetched(), other.backend).assess([ANN])).rejects.toEqual(
      new BackendError('BACKEND_BAD_ANSWER', 'the policy changed while this message was checked'),
    );
  });
});
