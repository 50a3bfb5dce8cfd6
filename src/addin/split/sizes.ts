/**
 * The size check before protecting or splitting: each message the plan would make (one per group of a split, else
 * the message itself) estimated as it would leave, against the organisation's limit and, for secure pickup, the
 * service's (docs/policy.md, "Message sizes").
 */
import {
  sizeProblems,
  sizeProblemText,
  type MessageOutline,
  type SizedMessage,
} from '../../core/message-size';
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';
import { protectionFor } from '../../core/vocabulary';

/** The messages the plan would send: its groups, or the one message; none for a block. */
function plannedMessages(plan: Pick<Plan, 'action' | 'groups' | 'recipients'>): SizedMessage[] {
  if (plan.groups) return plan.groups;
  const protection = protectionFor(plan.action);
  return protection ? [{ protection, addresses: plan.recipients.map((r) => r.address) }] : [];
}

/** A sentence for each message over its limit. */
export function planSizeProblems(
  plan: Pick<Plan, 'action' | 'groups' | 'recipients'>,
  outline: MessageOutline,
  policy: Pick<Policy, 'limits' | 'escrow'>,
): string[] {
  const limits = {
    messageBytes: policy.limits.messageBytes,
    ...(policy.escrow.maxMessageBytes !== undefined ? { escrowBytes: policy.escrow.maxMessageBytes } : {}),
  };
  return sizeProblems(outline, plannedMessages(plan), limits).map(sizeProblemText);
}
