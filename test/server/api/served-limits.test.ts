/**
 * The size limits the pane checks before splitting, as the service serves them: the organisation's largest message
 * from the policy (`limits.messageBytes`, 25 MiB by default) and the service's own limit on one secure message
 * (`escrow.maxMessageBytes` from its escrow configuration), read by the add-in's policy reader as served.
 */
import { readPolicyAnswer } from '../../../src/core/evaluate/policy-answer';
import { parsePolicy } from '../../../src/core/policy/parse';
import { PolicySchema } from '../../../src/core/policy/schema';
import { defaultPolicy } from '../../helpers/policy';
import { deployedTestApp } from './fakes';

async function served(config: Parameters<typeof deployedTestApp>[0] = {}) {
  const { app, authorization } = await deployedTestApp(config);
  return (await app.inject({ url: '/api/v1/policy', headers: { authorization } })).json();
}

test('the escrow configuration’s maxMessageBytes is served in the policy; the version is the configured one’s', async () => {
  const body = await served({ config: { escrow: { maxMessageBytes: 5_000_000 } } });
  expect(body.policy.escrow.maxMessageBytes).toBe(5_000_000);
  expect(body.policy.limits).toEqual({ messageBytes: 25 * 1024 * 1024 });
  expect(readPolicyAnswer(body).policy).toMatchObject({
    escrow: { maxMessageBytes: 5_000_000 },
    limits: { messageBytes: 25 * 1024 * 1024 },
  });
  // The served limit is the service's, not the policy's: the policy version /assess reports stays unchanged.
  const other = await served({ config: { escrow: { maxMessageBytes: 7_000_000 } } });
  expect(other.version).toBe(body.version);
});

test('escrow.maxMessageBytes in the policy file is refused, naming the service setting it belongs to', () => {
  const policy = defaultPolicy();
  const file = (escrow: object) =>
    parsePolicy(JSON.stringify({ ...policy, escrow: { ...policy.escrow, ...escrow } }));
  expect(() => file({ maxMessageBytes: 1 })).toThrow(
    "escrow: maxMessageBytes is the service's, not the policy's: set escrow.maxMessageBytes in the service configuration, which serves it with the policy",
  );
  expect(() => file({ maxMessageBytes: 1, maxBytes: 1 })).toThrow(/policy; unrecognized: maxBytes$/);
  expect(() => file({ maxBytes: 1 })).toThrow('escrow: Unrecognized key: "maxBytes"');
});

test('the policy file’s limits are served beside the service’s escrow limit', async () => {
  const own = PolicySchema.parse({ ...defaultPolicy(), limits: { messageBytes: 10 * 1024 * 1024 } });
  const body = await served({ deps: { policy: own } });
  expect(body.policy.escrow.maxMessageBytes).toBe(256 * 1024 * 1024);
  expect(readPolicyAnswer(body).policy.limits.messageBytes).toBe(10 * 1024 * 1024);
});

test('limits.messageBytes is bounded: below 64 KiB no notice would fit, and unknown keys are refused', () => {
  const policy = defaultPolicy();
  expect(() => PolicySchema.parse({ ...policy, limits: { messageBytes: 1000 } })).toThrow(/65536/);
  expect(() => PolicySchema.parse({ ...policy, limits: { messageBytes: 1 << 20, bytes: 1 } })).toThrow();
  const body = { version: 'v', policy: { ...policy, limits: { messageBytes: 1000 } } };
  expect(() => readPolicyAnswer(body)).toThrow(
    'limits.messageBytes 1000 is not between 65536 and 2147483648',
  );
});

test('an older service serves neither limit: the reader takes the default message size and no escrow limit', () => {
  const { limits: _limits, ...older } = defaultPolicy();
  const read = readPolicyAnswer({ version: 'v', policy: older }).policy;
  expect(read.limits).toEqual({ messageBytes: 25 * 1024 * 1024 });
  expect(read.escrow.maxMessageBytes).toBeUndefined();
});
