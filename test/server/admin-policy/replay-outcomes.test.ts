/**
 * The preview plans a record under the policy with only the overrides naming one of its domains: the outcome is
 * the one planned under the whole policy, for exact names, wildcards below them, nested wildcards and names that
 * no override names.
 */
import type { DecisionRecord } from '../../../src/core/decisions/record';
import { Outcomes, replay } from '../../../src/core/decisions/replay';
import type { DomainOverride } from '../../../src/core/policy/schema';
import { defaultPolicy } from '../../helpers/policy';

const OVERRIDES: DomainOverride[] = [
  { domain: '*.partner.example', requirement: 'end-to-end', note: 'Below head office: end to end.' },
  { domain: 'clinic.partner.example', requirement: 'none', note: 'The clinic takes plain mail.' },
  { domain: '*.ward.clinic.partner.example', requirement: 'end-to-end', note: 'Wards: end to end.' },
  { domain: 'partner.example', requirement: 'end-to-end', note: 'Head office: end to end.' },
  { domain: '*.plain.example', requirement: 'end-to-end', note: 'Below plain.example: end to end.' },
  // Overrides naming none of the record's domains, before and after those that do.
  ...Array.from({ length: 50 }, (_, i) => ({
    domain: `*.elsewhere${i}.example`,
    requirement: 'end-to-end' as const,
    note: 'n',
  })),
];

function record(domains: string[], classification: string): DecisionRecord {
  return {
    id: '1',
    at: '2026-12-07T10:00:00.000Z',
    policyVersion: 'v',
    host: 'outlook',
    sender: 'ana@example.gov',
    pseudonymous: false,
    classification,
    action: 'tag',
    outcome: 'tagged',
    passcodeSet: false,
    recipients: domains.map((domain, i) => ({
      address: `r${i}@${domain}`,
      domain,
      internal: false,
      transport: 'encrypted' as const,
      key: 'none' as const,
      protection: 'tls' as const,
    })),
  };
}

const DOMAINS = [
  'a.partner.example',
  'clinic.partner.example',
  'b.ward.clinic.partner.example',
  'partner.example',
  'plain.example',
  'x.plain.example',
  'nobody.example',
];

test.each(['normal', 'confidential', 'restricted'])(
  'a %s record to domains of every kind plans as under the whole policy',
  (classification) => {
    const policy = defaultPolicy({ domains: OVERRIDES });
    const edited = defaultPolicy({ domains: [...OVERRIDES].reverse() });
    for (const domains of [DOMAINS, ...DOMAINS.map((d) => [d])]) {
      const r = record(domains, classification);
      const outcome = (plan: ReturnType<typeof replay>) => ({
        action: plan.action,
        protections: plan.recipients.map((x) => x.protection),
      });
      expect(new Outcomes(policy, edited).of(r)).toEqual([
        outcome(replay(r, policy)),
        outcome(replay(r, edited)),
      ]);
    }
  },
);

test("the overrides change these domains' outcomes, so the comparison can tell one lost", () => {
  const policy = defaultPolicy({ domains: OVERRIDES });
  const plain = defaultPolicy();
  const protection = (domain: string, p: typeof policy) =>
    replay(record([domain], 'confidential'), p).recipients[0]!.protection;
  const moved = ['a.partner.example', 'b.ward.clinic.partner.example', 'partner.example', 'x.plain.example'];
  for (const domain of moved)
    expect([domain, protection(domain, policy)]).not.toEqual([domain, protection(domain, plain)]);
  // clinic.partner.example's own override keeps it out of the wildcard above it.
  expect(protection('clinic.partner.example', policy)).toBe(protection('clinic.partner.example', plain));
  expect(protection('a.clinic.partner.example', policy)).not.toBe(
    protection('clinic.partner.example', policy),
  );
});
