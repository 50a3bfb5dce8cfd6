/**
 * The plan's promises (issue "Foundation"), checked over generated policies, recipients and assessments.
 */
import fc from 'fast-check';
import { planMessage, type Plan } from '../../src/core/plan';
import { validatePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';
import { isInternal, overrideFor } from '../../src/core/policy/match';
import {
  KEY_VERDICTS,
  RECIPIENT_PROOFS,
  TRANSPORT_VERDICTS,
  TRANSPORT_VERDICTS_NEVER_TLS,
  type Requirement,
  type TransportVerdict,
} from '../../src/core/vocabulary';
import { defaultPolicy } from '../helpers/policy';
import { scenario, type Party } from '../helpers/plan-fixtures';

const EXTERNAL_DOMAINS = ['a.example', 'b.example', 'c.example', 'd.example', 'bank.example'];
const INTERNAL_DOMAIN = 'example.gov';

const verdict = fc.constantFrom(...TRANSPORT_VERDICTS);
const keyVerdict = fc.constantFrom(...KEY_VERDICTS);

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    escrow: fc.boolean(),
    acceptable: fc.subarray(['authenticated', 'encrypted', 'weak'] as const, { minLength: 1 }),
    bankOverride: fc.option(
      fc.record({
        trustTransport: fc.option(fc.constantFrom('authenticated' as const, 'encrypted' as const), {
          nil: undefined,
        }),
        requirement: fc.option(
          fc.constantFrom(
            'none',
            'transport',
            'transport-authenticated',
            'end-to-end',
          ) as fc.Arbitrary<Requirement>,
          { nil: undefined },
        ),
      }),
      { nil: undefined },
    ),
    confidentialRequirement: fc.constantFrom(
      'transport',
      'transport-authenticated',
    ) as fc.Arbitrary<Requirement>,
    order: fc.shuffledSubarray(['tls', 'pgp', 'escrow'] as const, { minLength: 1 }),
    // Each classification may name the proofs it accepts, or not (all three).
    proofs: fc.dictionary(
      fc.constantFrom('normal', 'confidential', 'restricted'),
      fc.subarray([...RECIPIENT_PROOFS], { minLength: 1 }),
    ),
    codeTransport: fc.subarray([...TRANSPORT_VERDICTS], { minLength: 1 }),
  })
  .map(({ escrow, acceptable, bankOverride, confidentialRequirement, order, proofs, codeTransport }) => {
    const prefer = order.filter((p) => escrow || p !== 'escrow');
    const e2e = prefer.filter((p) => p !== 'tls');
    return validatePolicy({
      ...defaultPolicy(),
      escrow: { enabled: escrow, proofs, codeTransport },
      transport: { acceptable },
      domains: bankOverride ? [{ domain: 'bank.example', ...bankOverride }] : [],
      classifications: [
        { name: 'normal', requirement: 'none', prefer: prefer.length ? prefer : ['pgp'] },
        {
          name: 'confidential',
          requirement: confidentialRequirement,
          prefer: prefer.length ? prefer : ['pgp'],
        },
        { name: 'restricted', requirement: 'end-to-end', prefer: e2e.length ? e2e : ['pgp'] },
      ],
    });
  });

function partiesArb(domains: string[], min: number, max: number): fc.Arbitrary<Party[]> {
  return fc
    .uniqueArray(
      fc.record({
        local: fc.constantFrom('ann', 'bob', 'cy', 'dee', 'eve', 'fay'),
        domain: fc.constantFrom(...domains),
        key: keyVerdict,
        signIn: fc.boolean(),
      }),
      { minLength: min, maxLength: max, selector: (p) => `${p.local}@${p.domain}` },
    )
    .map((list) =>
      list.map((p) => ({
        address: `${p.local}@${p.domain}`,
        key: p.key,
        ...(p.signIn ? { signIn: { provider: 'idp', label: 'Idp' } } : {}),
      })),
    );
}

/** Each domain gets one verdict, so the same domain never disagrees with itself. */
const domainVerdicts = fc.record(
  Object.fromEntries([...EXTERNAL_DOMAINS, INTERNAL_DOMAIN].map((d) => [d, verdict])),
);

const caseArb = fc.record({
  policy: policyArb,
  parties: partiesArb([...EXTERNAL_DOMAINS, INTERNAL_DOMAIN], 1, 8),
  verdicts: domainVerdicts,
  classification: fc.constantFrom('normal', 'confidential', 'restricted'),
});

function run(
  parties: Party[],
  verdicts: Record<string, TransportVerdict>,
  classification: string,
  policy: Policy,
  passcodeSet = false,
): Plan {
  const withVerdicts = parties.map((p) => ({ ...p, transport: verdicts[p.address.split('@')[1]!]! }));
  return planMessage({ ...scenario(withVerdicts), classification, policy, passcodeSet });
}

function effectiveVerdict(domain: string, assessed: TransportVerdict, policy: Policy): TransportVerdict {
  const vouched = overrideFor(domain, policy)?.trustTransport;
  return vouched && assessed !== 'no-mail' ? vouched : assessed;
}

const RUNS = { numRuns: 500 };

describe('plan: promises that hold for every input', () => {
  test('no recipient gets less than its requirement', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plan = run(parties, verdicts, classification, policy);
        for (const r of plan.recipients) {
          const effective = effectiveVerdict(r.domain, r.transport, policy);
          switch (r.protection) {
            case 'internal':
              expect(isInternal(r.domain, policy)).toBe(true);
              break;
            case 'none':
              expect(r.requirement).toBe('none');
              break;
            case 'tls':
              expect(r.requirement).not.toBe('end-to-end');
              if (r.requirement !== 'none') expect(policy.transport.acceptable).toContain(effective);
              if (r.requirement === 'transport-authenticated') expect(effective).toBe('authenticated');
              break;
            case 'pgp':
              expect(r.key.verdict).toBe('valid');
              break;
            case 'escrow':
              expect(policy.escrow.enabled).toBe(true);
              break;
            case 'blocked':
              expect(plan.action).toBe('block');
              break;
          }
        }
      }),
      RUNS,
    );
  });

  test('forced TLS is never chosen for a domain whose verdict is none, partial, broken, no-mail or unknown', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plan = run(parties, verdicts, classification, policy);
        for (const r of plan.recipients.filter((x) => x.protection === 'tls')) {
          expect(TRANSPORT_VERDICTS_NEVER_TLS).not.toContain(effectiveVerdict(r.domain, r.transport, policy));
        }
      }),
      RUNS,
    );
  });

  test('without an admin vouching, the assessed verdict itself decides (no override can sneak in)', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plain = { ...policy, domains: [] };
        const plan = run(parties, verdicts, classification, plain);
        for (const r of plan.recipients.filter((x) => x.protection === 'tls')) {
          expect(TRANSPORT_VERDICTS_NEVER_TLS).not.toContain(r.transport);
        }
      }),
      RUNS,
    );
  });

  test('encrypted never satisfies transport-authenticated', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plan = run(parties, verdicts, classification, policy);
        for (const r of plan.recipients) {
          if (r.requirement === 'transport-authenticated' && r.protection === 'tls') {
            expect(effectiveVerdict(r.domain, r.transport, policy)).toBe('authenticated');
          }
        }
      }),
      RUNS,
    );
  });

  test('internal recipients never force an escalation', () => {
    fc.assert(
      fc.property(
        caseArb,
        partiesArb([INTERNAL_DOMAIN], 1, 3),
        ({ policy, parties, verdicts, classification }, insiders) => {
          const external = parties.filter((p) => !p.address.endsWith(`@${INTERNAL_DOMAIN}`));
          fc.pre(external.length > 0);
          // Insiders with a key can read whatever the outsiders get; the promise is about the action.
          const keyed = insiders.map((p) => ({ ...p, key: 'valid' as const }));
          const without = run(external, verdicts, classification, policy);
          const withInsiders = run([...external, ...keyed], verdicts, classification, policy);
          expect(withInsiders.action).toBe(without.action);
        },
      ),
      RUNS,
    );
  });

  test('a split covers every recipient exactly once, each in a group it allows', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plan = run(parties, verdicts, classification, policy);
        if (plan.action !== 'split') return;
        const grouped = plan.groups!.flatMap((g) => g.addresses);
        expect([...grouped].sort()).toEqual(plan.recipients.map((r) => r.address).sort());
        for (const group of plan.groups!) {
          for (const address of group.addresses) {
            const r = plan.recipients.find((x) => x.address === address)!;
            expect(r.allowed).toContain(group.protection);
          }
        }
      }),
      RUNS,
    );
  });

  test('a single action is the most preferred candidate every recipient allows, and serves them all', () => {
    const candidateOf = { send: 'none', tag: 'tls', pgp: 'pgp', escrow: 'escrow' } as const;
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const plan = run(parties, verdicts, classification, policy);
        const order = [
          'none',
          ...policy.classifications.find((c) => c.name === classification)!.prefer,
        ] as const;
        const shared = order.filter((c) => plan.recipients.every((r) => r.allowed.includes(c)));
        if (plan.action === 'split') expect(shared).toEqual([]);
        if (plan.action === 'split' || plan.action === 'block') return;
        const chosen = candidateOf[plan.action];
        expect(shared[0]).toBe(chosen);
        for (const r of plan.recipients) {
          expect(
            r.protection === chosen ||
              (r.protection === 'internal' && (chosen === 'none' || chosen === 'tls')),
          ).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('every secure-pickup recipient has a proof the classification accepts, and a code only over a route the policy trusts for it (or inside the organisation)', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), ({ policy, parties, verdicts, classification }, passcodeSet) => {
        const plan = run(parties, verdicts, classification, policy, passcodeSet);
        // The policy's proofs bind external recipients; a code to an internal one never leaves the organisation.
        const named = policy.escrow.proofs[classification] ?? RECIPIENT_PROOFS;
        for (const r of plan.recipients) {
          if (r.protection !== 'escrow') {
            expect(r.proof).toBeUndefined();
            continue;
          }
          const accepted = r.internal ? RECIPIENT_PROOFS : named;
          expect(accepted).toContain(r.proof);
          if (r.proof === 'sign-in') expect(r.signIn).toBeDefined();
          if (r.proof === 'code') {
            if (!r.internal)
              expect(policy.escrow.codeTransport).toContain(effectiveVerdict(r.domain, r.transport, policy));
            expect(passcodeSet && accepted.includes('passcode')).toBe(false);
          }
        }
      }),
      RUNS,
    );
  });

  test('a passcode set or not, the same recipients get the same protections', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const without = run(parties, verdicts, classification, policy, false);
        const withPasscode = run(parties, verdicts, classification, policy, true);
        expect(withPasscode.action).toBe(without.action);
        expect(withPasscode.recipients.map((r) => [r.protection, r.allowed])).toEqual(
          without.recipients.map((r) => [r.protection, r.allowed]),
        );
      }),
      RUNS,
    );
  });

  test('deterministic, and the order of recipients does not change the action', () => {
    fc.assert(
      fc.property(caseArb, ({ policy, parties, verdicts, classification }) => {
        const first = run(parties, verdicts, classification, policy);
        expect(run(parties, verdicts, classification, policy)).toEqual(first);
        expect(run([...parties].reverse(), verdicts, classification, policy).action).toBe(first.action);
      }),
      RUNS,
    );
  });
});
