/**
 * A decision record planned again under a policy (the admin's policy preview): its recipients and what was
 * assessed of them rebuilt from the record, its classification and passcode as they were, so that the same plan
 * as the send check's comes out under the policy in force, and the edited policy's plan beside it.
 */
import type { Recipient } from '../addresses';
import { planMessage, type Plan, type PlanInput } from '../plan';
import type { Policy } from '../policy/schema';
import type { Assessments } from '../wire';
import type { DecisionRecord } from './record';

/**
 * The recipient as the plan reads it. A pseudonymous address (`<32 hex>@domain`) is still an address of its domain,
 * which is all the policy looks at; each recipient is one entry of To (the fields do not change a protection).
 */
function recipientOf({ address, domain }: DecisionRecord['recipients'][number]): Recipient {
  return { address, localPart: address.slice(0, address.lastIndexOf('@')), domain, fields: ['to'] };
}

/**
 * What the send check knew of the record's recipients: each external domain's verdict, each address's key
 * verdict and source, and the sign-in provider named (by its id: its label was not kept). The reasons and the key
 * itself were not kept; the plan's choice depends on the verdicts only.
 */
function assessmentsOf(record: DecisionRecord): Assessments {
  const domains = new Map<string, Assessments['domains'][number]>();
  for (const { domain, transport } of record.recipients) {
    if (transport !== undefined) domains.set(domain, { domain, verdict: transport, reasons: [] });
  }
  return {
    domains: [...domains.values()],
    keys: record.recipients.map(({ address, key, keySource }) => ({
      address,
      verdict: key,
      ...(keySource ? { source: keySource } : {}),
      reasons: [],
    })),
    signIn: record.recipients.flatMap(({ address, signIn }) =>
      signIn ? [{ address, provider: signIn, label: signIn }] : [],
    ),
  };
}

/** The plan's input for `record` under `policy`; a classification `policy` does not have counts as its default. */
export function replayInput(record: DecisionRecord, policy: Policy): PlanInput {
  const known = policy.classifications.some((c) => c.name === record.classification);
  return {
    recipients: record.recipients.map(recipientOf),
    assessments: assessmentsOf(record),
    classification: known ? record.classification : policy.defaultClassification,
    policy,
    passcodeSet: record.passcodeSet,
  };
}

/** `record` planned again under `policy`. */
export function replay(record: DecisionRecord, policy: Policy): Plan {
  return planMessage(replayInput(record, policy));
}
