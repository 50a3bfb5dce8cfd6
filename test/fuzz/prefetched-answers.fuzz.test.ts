/**
 * Fuzz: the prefetched answers the send check reads back from the compose item's session data (readKept), from a
 * kept text mutated, runs spliced in, deep JSON and arbitrary text: never a throw, within the time budget, and
 * whatever it accepts is an answer about exactly the addresses it names, under a policy that reads.
 */
import fc from 'fast-check';
import { keptText, readKept, type PrefetchedAnswers } from '../../src/addin/prefetch/prefetched-answers';
import { readPolicyAnswer } from '../../src/core/evaluate/policy-answer';
import { defaultPolicy } from '../helpers/policy';
import { deepJson, textInputs, utf8Bytes } from './generators';
import { fuzzTest } from './runner';

const ANN = 'Ann <ann@partner.example>';

const kept: PrefetchedAnswers = {
  at: 1_700_000_000_000,
  addresses: [ANN, 'bad'],
  policy: readPolicyAnswer({ version: 'v1', policy: defaultPolicy() }),
  answer: {
    policyVersion: 'v1',
    partial: false,
    recipients: [
      {
        input: ANN,
        address: 'ann@partner.example',
        domain: 'partner.example',
        internal: false,
        transport: { domain: 'partner.example', verdict: 'encrypted', reasons: ['no MTA-STS policy'] },
        key: { address: 'ann@partner.example', verdict: 'none', reasons: ['no key published'] },
      },
    ],
    invalid: [{ input: 'bad', reason: 'has no @: it is not an email address' }],
  },
};

const documents = fc.oneof(
  textInputs(
    fc.constant(keptText(kept)!),
    '{}[]":,\\0-9.eE-tfn ',
    fc.constantFrom('[', '{', '"', '\\u0000', ' ', '1', ',', '"at":', '"addresses":['),
  ),
  deepJson([
    ['[', ']'],
    ['{"answer":', '}'],
    ['{"addresses":[', ']}'],
  ]),
  fc.json({ maxDepth: 6 }),
);

fuzzTest({
  name: 'prefetched answers kept on the item',
  inputs: documents,
  size: utf8Bytes,
  parse: readKept,
  check: (read) => {
    if (read === undefined) return;
    const answered = [...read.answer.recipients, ...read.answer.invalid].map((r) => r.input).sort();
    expect(answered).toEqual([...new Set(read.addresses)].sort());
    expect(Number.isFinite(read.at)).toBe(true);
  },
});
