/**
 * The assess answer names the provider each external recipient can sign in with to pick up a message
 * (AssessedRecipient.signIn), from the sign-in directory, asked once per address within the assess deadline.
 */
import pino from 'pino';
import { systemClock } from '../../src/core/clock';
import type { SignInProvider } from '../../src/core/escrow/wire';
import { assessBatch } from '../../src/server/api/assess-batch';
import type { SignInDirectory } from '../../src/server/escrow/sign-in-directory';
import { createMetrics } from '../../src/server/observability/metrics';
import { defaultPolicy } from '../helpers/policy';
import { FakeKeys, FakeTransport, gate } from '../server/api/fakes';

const GOOGLE: SignInProvider = { provider: 'google', label: 'Google' };

/** A directory answering per domain, recording which addresses it was asked for; `held` domains wait. */
function directory(providers: Record<string, SignInProvider>, held = new Map<string, Promise<void>>()) {
  const asked: string[] = [];
  const fake: SignInDirectory & { asked: string[] } = {
    asked,
    async providerFor(address) {
      asked.push(address);
      const domain = address.slice(address.indexOf('@') + 1);
      await held.get(domain);
      return providers[domain];
    },
  };
  return fake;
}

function assess(inputs: string[], signIn: SignInDirectory, policy = defaultPolicy()) {
  return assessBatch(inputs, {
    transport: new FakeTransport(),
    keys: new FakeKeys([]),
    metrics: createMetrics(),
    log: pino({ level: 'silent' }),
    lookupDeadlineMs: 5000,
    assessDeadlineMs: 300,
    policy,
    clock: systemClock,
    signIn,
  });
}

test('external recipients get their provider, asked once per address (WebFinger answers per account); others get none', async () => {
  const signIn = directory({ 'gmail.com': GOOGLE });
  const result = await assess(['Ana@Gmail.com', 'bob@gmail.com', 'carl@partner.example'], signIn);
  expect(result.recipients.map((r) => [r.address, r.signIn])).toEqual([
    ['Ana@gmail.com', GOOGLE],
    ['bob@gmail.com', GOOGLE],
    ['carl@partner.example', undefined],
  ]);
  // Each address once, in the form the directory keys by; the directory keeps what holds per domain itself.
  expect(signIn.asked).toEqual(['ana@gmail.com', 'bob@gmail.com', 'carl@partner.example']);
  expect(result.partial).toBe(false);
});

test('internal recipients are not asked about', async () => {
  const signIn = directory({ 'clinic.example': GOOGLE });
  const policy = { ...defaultPolicy(), internalDomains: ['clinic.example'] };
  const result = await assess(['ana@clinic.example'], signIn, policy);
  expect(result.recipients[0]!.signIn).toBeUndefined();
  expect(signIn.asked).toEqual([]);
});

test('a directory slower than the assess deadline: no provider yet, and the answer says it is partial', async () => {
  const slow = gate();
  const signIn = directory({ 'slow.example': GOOGLE }, new Map([['slow.example', slow.opened]]));
  const result = await assess(['ana@slow.example'], signIn);
  expect(result.recipients[0]!.signIn).toBeUndefined();
  expect(result.partial).toBe(true);
  slow.open();
});
