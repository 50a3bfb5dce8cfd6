/**
 * A classification's `mailboxAccess: tls-only` (docs/policy.md): forced TLS counts for it only where the recipient
 * domain's users must use TLS to reach their mail. Checked over generated policies, recipients and assessments:
 * off by default nothing changes, and on it touches forced TLS for external recipients and nothing else.
 */
import fc from 'fast-check';
import { parseRecipients } from '../../src/core/addresses';
import { planMessage, type Plan } from '../../src/core/plan';
import { validatePolicy } from '../../src/core/policy/parse';
import type { Policy } from '../../src/core/policy/schema';
import {
  KEY_VERDICTS,
  MAILBOX_ACCESS_VERDICTS,
  REQUIREMENTS,
  TRANSPORT_VERDICTS,
  type MailboxAccessVerdict,
} from '../../src/core/vocabulary';
import type { Assessments, DomainAssessment } from '../../src/core/wire';
import { defaultPolicy } from '../helpers/policy';

const EXTERNAL = ['a.example', 'b.example', 'c.example'];
const INTERNAL = 'example.gov';

/** The shipped policy with every classification asking for TLS-only mailbox access, or none of them. */
function policyWith(base: Policy, asks: boolean): Policy {
  return validatePolicy({
    ...base,
    classifications: base.classifications.map(({ mailboxAccess: _off, ...c }) =>
      asks ? { ...c, mailboxAccess: 'tls-only' as const } : c,
    ),
  });
}

/**
 * Per-domain overrides as an admin writes them: a route vouched for (`trustTransport`), a requirement floor, both,
 * or neither, for some of the domains (internal included, where neither may change anything).
 */
const overridesArb = fc.uniqueArray(
  fc.record(
    {
      domain: fc.constantFrom(...EXTERNAL, INTERNAL),
      trustTransport: fc.constantFrom('authenticated', 'encrypted'),
      requirement: fc.constantFrom(...REQUIREMENTS),
    },
    { requiredKeys: ['domain'] },
  ),
  { maxLength: EXTERNAL.length + 1, selector: (o) => o.domain },
);

const policyArb = fc
  .record({
    // Forced TLS never serves end-to-end, so the switch has nothing to change there.
    requirement: fc.constantFrom(...REQUIREMENTS.filter((r) => r !== 'end-to-end')),
    order: fc.shuffledSubarray(['tls', 'pgp', 'escrow'] as const, { minLength: 1 }),
    acceptable: fc.subarray(['authenticated', 'encrypted', 'weak'] as const, { minLength: 1 }),
    domains: overridesArb,
  })
  .map(({ requirement, order, acceptable, domains }) =>
    validatePolicy({
      ...defaultPolicy(),
      domains,
      transport: { acceptable },
      classifications: [
        { name: 'normal', requirement: 'none', prefer: order },
        { name: 'confidential', requirement, prefer: order },
        { name: 'restricted', requirement: 'end-to-end', prefer: ['pgp'] },
      ],
    }),
  );

/** A domain's mailbox access as the service may give it; `absent` as a service without the check gives it. */
const accessArb = fc.constantFrom<MailboxAccessVerdict | 'absent'>(...MAILBOX_ACCESS_VERDICTS, 'absent');

const caseArb = fc.record({
  policy: policyArb,
  classification: fc.constantFrom('normal', 'confidential'),
  people: fc.uniqueArray(
    fc.record({
      local: fc.constantFrom('ann', 'bob', 'cy'),
      domain: fc.constantFrom(...EXTERNAL, INTERNAL),
      key: fc.constantFrom(...KEY_VERDICTS),
    }),
    { minLength: 1, maxLength: 5, selector: (p) => `${p.local}@${p.domain}` },
  ),
  domains: fc.record(
    Object.fromEntries(
      [...EXTERNAL, INTERNAL].map((d) => [
        d,
        fc.record({ verdict: fc.constantFrom(...TRANSPORT_VERDICTS), access: accessArb }),
      ]),
    ),
  ),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function domainAssessment(domain: string, c: Case): DomainAssessment {
  const { verdict, access } = c.domains[domain]!;
  return {
    domain,
    verdict,
    reasons: [],
    ...(access === 'absent'
      ? {}
      : { mailboxAccess: { verdict: access, reasons: [`what the check of ${domain} found`] } }),
  };
}

function planOf(c: Case, policy: Policy): Plan {
  const addresses = c.people.map((p) => `${p.local}@${p.domain}`);
  const assessments: Assessments = {
    domains: [...EXTERNAL, INTERNAL].map((d) => domainAssessment(d, c)),
    keys: c.people.map((p, i) => ({
      address: addresses[i]!,
      verdict: p.key,
      reasons: [],
      ...(p.key === 'valid' ? { source: 'wkd' as const, fingerprint: 'A'.repeat(40) } : {}),
    })),
  };
  return planMessage({
    recipients: parseRecipients({ to: addresses }),
    assessments,
    classification: c.classification,
    policy,
  });
}

const RUNS = { numRuns: 400 };

describe('mailbox access in the plan: promises over every input', () => {
  test('off by default: the plan is the same whatever the domains’ mailbox access', () => {
    expect(defaultPolicy().classifications.every((c) => c.mailboxAccess === undefined)).toBe(true);
    fc.assert(
      fc.property(caseArb, (c) => {
        const blind = {
          ...c,
          domains: Object.fromEntries(
            Object.entries(c.domains).map(([d, v]) => [d, { ...v, access: 'absent' as const }]),
          ),
        };
        expect(planOf(c, c.policy)).toEqual(planOf(blind, c.policy));
      }),
      RUNS,
    );
  });

  test('asked for: forced TLS serves an external recipient only where mailbox access is tls-only', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const plan = planOf(c, policyWith(c.policy, true));
        for (const r of plan.recipients.filter((x) => !x.internal)) {
          if (r.allowed.includes('tls') || r.protection === 'tls')
            expect(c.domains[r.domain]!.access).toBe('tls-only');
        }
      }),
      RUNS,
    );
  });

  test('asked for: where mailbox access is tls-only, forced TLS is allowed exactly as without the switch', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const off = planOf(c, policyWith(c.policy, false));
        const on = planOf(c, policyWith(c.policy, true));
        on.recipients.forEach((r, i) => {
          if (r.internal || c.domains[r.domain]!.access === 'tls-only')
            expect(r.allowed).toEqual(off.recipients[i]!.allowed);
        });
      }),
      RUNS,
    );
  });

  test('asked for: every other protection, and internal recipients, are judged as without the switch', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const off = planOf(c, policyWith(c.policy, false));
        const on = planOf(c, policyWith(c.policy, true));
        on.recipients.forEach((r, i) => {
          const before = off.recipients[i]!;
          for (const candidate of ['none', 'pgp', 'escrow'] as const)
            expect(r.refused[candidate]).toEqual(before.refused[candidate]);
          // Their own options; the message they share with others may still change with the others'.
          if (r.internal) expect([r.allowed, r.refused]).toEqual([before.allowed, before.refused]);
        });
      }),
      RUNS,
    );
  });
});

describe('mailbox access beside domain overrides', () => {
  function planFor(override: Policy['domains'][number], access: MailboxAccessVerdict): Plan {
    const policy = validatePolicy({ ...policyWith(defaultPolicy(), true), domains: [override] });
    return planMessage({
      recipients: parseRecipients({ to: ['ann@a.example'] }),
      assessments: {
        domains: [
          {
            domain: 'a.example',
            verdict: 'none',
            reasons: [],
            mailboxAccess: {
              verdict: access,
              reasons: ['imap.a.example:143 accepts a password before STARTTLS'],
            },
          },
        ],
        keys: [{ address: 'ann@a.example', verdict: 'none', reasons: [] }],
      },
      classification: 'confidential',
      policy,
    });
  }

  test('a route the admin vouches for carries forced TLS only where mailbox access is tls-only', () => {
    const vouched = { domain: 'a.example', trustTransport: 'authenticated' as const };
    expect(planFor(vouched, 'tls-only').recipients[0]!.protection).toBe('tls');
    const lastMile = planFor(vouched, 'tls-offered').recipients[0]!;
    expect(lastMile.protection).not.toBe('tls');
    expect(lastMile.refused.tls).toBe(
      'people at a.example may reach their mail without TLS (imap.a.example:143 accepts a password before STARTTLS); this message needs TLS all the way to their mailbox',
    );
  });

  test('a requirement floor raises the need, and the switch still holds for forced TLS', () => {
    const floor = {
      domain: 'a.example',
      trustTransport: 'authenticated' as const,
      requirement: 'transport-authenticated' as const,
    };
    expect(planFor(floor, 'tls-only').recipients[0]!.protection).toBe('tls');
    expect(planFor(floor, 'plaintext').recipients[0]!.protection).not.toBe('tls');
  });
});

describe('mailbox access in the plan: the sender’s words', () => {
  /** One recipient at a.example, whose transport is `encrypted`, under a confidential classification that asks. */
  function refusedTls(mailboxAccess: DomainAssessment['mailboxAccess']): Plan['recipients'][number] {
    const policy = policyWith(defaultPolicy(), true);
    const plan = planMessage({
      recipients: parseRecipients({ to: ['ann@a.example'] }),
      assessments: {
        domains: [
          {
            domain: 'a.example',
            verdict: 'encrypted',
            reasons: [],
            ...(mailboxAccess ? { mailboxAccess } : {}),
          },
        ],
        keys: [{ address: 'ann@a.example', verdict: 'none', reasons: [] }],
      },
      classification: 'confidential',
      policy,
    });
    return plan.recipients[0]!;
  }

  test('tls-only: forced TLS, and the reason says the last mile requires TLS', () => {
    const r = refusedTls({ verdict: 'tls-only', reasons: ['imap.a.example:993 requires TLS'] });
    expect(r.protection).toBe('tls');
    expect(r.reason).toBe(
      'Forced TLS: a.example offers TLS, but nothing authenticates it, so an attacker on the path could intercept it; every mail server people at a.example are told to use requires TLS before login.',
    );
  });

  test.each([
    ['tls-offered', 'imap.a.example:143 accepts a password before STARTTLS'],
    ['plaintext', 'pop.a.example:110 offers no TLS'],
  ] as const)('%s: forced TLS refused, naming what the check found', (verdict, reason) => {
    const r = refusedTls({ verdict, reasons: [reason] });
    expect(r.protection).not.toBe('tls');
    expect(r.refused.tls).toBe(
      `people at a.example may reach their mail without TLS (${reason}); this message needs TLS all the way to their mailbox`,
    );
    expect(r.reason).toContain(r.refused.tls);
  });

  test('unknown, and not checked at all: forced TLS refused, saying which', () => {
    expect(refusedTls({ verdict: 'unknown', reasons: ['no endpoint is advertised'] }).refused.tls).toBe(
      'how people at a.example reach their mail could not be checked (no endpoint is advertised); this message needs TLS all the way to their mailbox',
    );
    expect(
      refusedTls({ verdict: 'unknown', reasons: ['still being checked; ask again shortly'] }).refused.tls,
    ).toBe(
      'how people at a.example reach their mail is still being checked (try again in a moment); this message needs TLS all the way to their mailbox',
    );
    expect(refusedTls(undefined).refused.tls).toBe(
      'how people at a.example reach their mail was not checked; this message needs TLS all the way to their mailbox',
    );
  });

  test('a transport that cannot carry forced TLS is the reason, before the last mile', () => {
    const policy = policyWith(defaultPolicy(), true);
    const plan = planMessage({
      recipients: parseRecipients({ to: ['ann@a.example'] }),
      assessments: {
        domains: [
          {
            domain: 'a.example',
            verdict: 'none',
            reasons: [],
            mailboxAccess: { verdict: 'plaintext', reasons: [] },
          },
        ],
        keys: [],
      },
      classification: 'confidential',
      policy,
    });
    expect(plan.recipients[0]!.refused.tls).toBe(
      'a.example has no mail server that offers TLS: forced TLS would not deliver',
    );
  });

  test('the policy file takes only tls-only', () => {
    const base = defaultPolicy();
    const asking = (value: unknown) => () =>
      validatePolicy({
        ...base,
        classifications: base.classifications.map((c) => ({ ...c, mailboxAccess: value })),
      });
    expect(asking('tls-only')).not.toThrow();
    expect(asking('tls-offered')).toThrow(/mailboxAccess/);
  });
});
