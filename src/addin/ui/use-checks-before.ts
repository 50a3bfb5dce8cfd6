/**
 * What stands in the way of applying the plan, and the note under a split's groups, for the pane: worked out once
 * for each outline, plan and choice rather than on every render (the size estimate scans the HTML body for the
 * pictures it holds, which can be megabytes).
 */
import { useMemo } from 'react';
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';
import type { NewMessages } from '../host';
import { problemsBefore } from '../split/check';
import { splitNote } from '../split/losses';
import { withChosen } from '../split/original';
import type { OutlineState } from './use-outline';

export interface ChecksBefore {
  /** Shown instead of the button. */
  problems: string[];
  /** Shown under a split's groups, the button staying. */
  note?: string;
}

/** What the checks are about: the plan, the message as read, the sender's newer choice, the policy and host. */
export interface ChecksInput {
  plan: Plan;
  outline: OutlineState;
  chosen: string | undefined;
  policy: Policy;
  newMessages: NewMessages | undefined;
}

const NONE: ChecksBefore = { problems: [] };

function checksBefore({ plan, outline, chosen, policy, newMessages }: ChecksInput): ChecksBefore {
  if (outline.status === 'failed') return plan.action === 'split' ? { problems: [outline.text] } : NONE;
  if (outline.status !== 'read') return NONE;
  const read = withChosen(outline.outline, chosen);
  const note = plan.action === 'split' ? splitNote(newMessages, read, plan) : undefined;
  return {
    problems: problemsBefore(plan, read, policy, newMessages),
    ...(note !== undefined ? { note } : {}),
  };
}

export function useChecksBefore(input: ChecksInput): ChecksBefore {
  const { plan, outline, chosen, policy, newMessages } = input;
  // Its parts are the dependencies: the object itself is new on every render.
  return useMemo(() => checksBefore(input), [plan, outline, chosen, policy, newMessages]);
}
