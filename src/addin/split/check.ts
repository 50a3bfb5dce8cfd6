/**
 * What stands in the way of applying the plan, checked before anything changes: a split that would lose part of
 * the message on this host, and any message over its size limit. The pane shows these instead of its button, and
 * applying checks them again on the message as it is then.
 */
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';
import type { NewMessages } from '../host';
import { splitLoss } from './losses';
import type { Outline } from './original';
import { planSizeProblems } from './sizes';

export function problemsBefore(
  plan: Pick<Plan, 'action' | 'groups' | 'recipients' | 'classification'>,
  outline: Outline,
  policy: Pick<Policy, 'limits' | 'escrow' | 'classifications' | 'defaultClassification'>,
  newMessages: NewMessages | undefined,
): string[] {
  const loss = plan.action === 'split' ? splitLoss(newMessages, outline, plan, policy) : undefined;
  return [...(loss !== undefined ? [loss] : []), ...planSizeProblems(plan, outline, policy)];
}
