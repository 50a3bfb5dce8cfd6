/**
 * The classification a split's new messages are given: the plan's, where it is above the policy's default; none
 * otherwise, for a new message given none starts from the default and plans from its own content as this one did,
 * which is no lower. One rule for what the pane counts as lost before a split (losses.ts) and what applying the
 * split hands each new message (protect/apply.ts), so that a split the pane offers is one the host can open.
 */
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';

/** The policy's classifications, weakest first, and the one a message has by default. */
export type Classifications = Pick<Policy, 'classifications' | 'defaultClassification'>;

export function carriedClassification(
  plan: Pick<Plan, 'classification'>,
  policy: Classifications,
): string | undefined {
  const rank = (name: string) => policy.classifications.findIndex((c) => c.name === name);
  return rank(plan.classification) > rank(policy.defaultClassification) ? plan.classification : undefined;
}
