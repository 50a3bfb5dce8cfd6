/**
 * Fuzz: what the send check reads back when the service cannot be reached — the kept-verdicts text from the host's
 * storage (parseKept), which anyone with access to that storage may have changed, and each signed statement in it
 * (verifiedStatement), mutated from real ones the server's signer made. Neither may throw; a changed statement
 * never verifies.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { parseKept } from '../../src/addin/outage/kept-store';
import { verifiedStatement } from '../../src/addin/outage/verify';
import { SIGNED_LIMITS } from '../../src/core/signed/statement';
import { verdictKeyOf } from '../../src/server/verdicts/key';
import { verdictSigner } from '../../src/server/verdicts/signer';
import { ManualClock } from '../helpers/clock';
import { defaultPolicy } from '../helpers/policy';
import { deepJson, textInputs, utf8Bytes } from './generators';
import { describeFigures, fuzz, fuzzRuns, fuzzTest, type FuzzTarget } from './runner';

const DEPLOYMENT = 'https://sendguard.example';
const key = verdictKeyOf(randomBytes(32));
const trust = { publicKey: key.publicKey, deployment: DEPLOYMENT };
const signer = verdictSigner({ key, deployment: DEPLOYMENT, clock: new ManualClock() });
const [verdict] = signer.recipients(
  [
    {
      input: 'Ann <ann@partner.example>',
      address: 'ann@partner.example',
      domain: 'partner.example',
      internal: false,
      transport: { domain: 'partner.example', verdict: 'encrypted', reasons: ['no MTA-STS policy'] },
      key: { address: 'ann@partner.example', verdict: 'none', reasons: ['no key published'] },
    },
  ],
  'v1',
);
const policy = signer.policy({ version: 'v1', policy: defaultPolicy() });
const keptText = JSON.stringify({ policy, verdicts: [['Ann <ann@partner.example>', verdict]] });

fuzzTest({
  name: 'kept verdicts text (parseKept)',
  inputs: fc.oneof(
    textInputs(
      fc.constant(keptText),
      '{}[]":,\\0-9 ',
      fc.constantFrom('[', '{', '"', ',', '["a",{"payload":"","signature":""}]'),
    ),
    deepJson([
      ['[', ']'],
      ['{"verdicts":[', ']}'],
    ]),
  ),
  size: utf8Bytes,
  parse: parseKept,
});

/**
 * Each input costs an Ed25519 verification (below), so the regular run takes 40 of them where other targets take
 * 300; `npm run fuzz` sets its own count through FUZZ_RUNS as for every target.
 */
const statementTarget: FuzzTarget<string> = {
  name: 'signed statement (verifiedStatement)',
  inputs: textInputs(
    fc.constant(verdict!.payload),
    '{}[]":,\\0-9aeu ',
    fc.constantFrom('"', '\\u00e9', 'a', '{'),
  ),
  size: utf8Bytes,
  parse: (payload) =>
    verifiedStatement({ payload, signature: verdict!.signature }, trust, SIGNED_LIMITS.verdictPayloadMax),
  check: (fields) => {
    // Only the statement as signed verifies; a mutation that changed nothing is that statement.
    if (fields !== undefined && JSON.stringify(fields) !== JSON.stringify(JSON.parse(verdict!.payload)))
      throw new Error('a changed statement verified');
  },
  // One Ed25519 verification in plain JavaScript costs about 6 ms warm, whatever the input, and up to ~70 ms on a
  // machine busy with other tests before the code is optimised; SHA-512 adds little per KiB. The floor covers that
  // fixed cost; the slope still catches work that grows faster than the payload.
  budget: { floorMs: 200, msPer64KiB: 300 },
};

test(`fuzz: ${statementTarget.name}`, async () => {
  const figures = await fuzz(statementTarget, fuzzRuns(40));
  process.stdout.write(`${describeFigures(figures)}\n`);
  expect(figures.failure).toBeUndefined();
}, 60_000);
