/**
 * One body serves every recipient of a message (docs/policy.md, "How a message's plan follows from the policy"): take
 * the first candidate every recipient allows; where none does, split into groups that can each be served, or block on
 * a recipient nothing serves.
 */
import { ACTION_FOR_PROTECTION, type MessageAction } from '../vocabulary';
import type { Candidate, PlanGroup } from './types';

export interface Choice {
  action: MessageAction;
  /** The candidate each recipient is served with (by index); absent for the blocked ones. */
  served: (Candidate | undefined)[];
  groups?: PlanGroup[];
}

export function actionFor(candidate: Candidate): MessageAction {
  return candidate === 'none' ? 'send' : ACTION_FOR_PROTECTION[candidate];
}

/**
 * Greedy by preference: each group takes every remaining recipient that allows the most preferred candidate
 * anyone remaining allows. That yields at most one group per candidate and covers every recipient once.
 */
function splitGroups(
  allowed: readonly Candidate[][],
  order: readonly Candidate[],
  addresses: readonly string[],
) {
  const served: Candidate[] = [];
  const groups: PlanGroup[] = [];
  for (const candidate of order) {
    const members = allowed.flatMap((options, i) =>
      served[i] === undefined && options.includes(candidate) ? [i] : [],
    );
    if (members.length === 0) continue;
    for (const i of members) served[i] = candidate;
    groups.push({
      protection: candidate,
      action: actionFor(candidate),
      addresses: members.map((i) => addresses[i]!),
    });
  }
  return { served, groups };
}

/**
 * @param allowed what each recipient allows, in preference order
 * @param order every candidate the classification offers, most preferred first
 */
export function chooseAction(
  allowed: readonly Candidate[][],
  order: readonly Candidate[],
  addresses: readonly string[],
): Choice {
  const servableIndexes = allowed.flatMap((options, i) => (options.length > 0 ? [i] : []));
  if (servableIndexes.length < allowed.length) {
    // The others are planned as if the blocked recipients were removed, so the sender sees what removing gives.
    const rest = chooseAction(
      servableIndexes.map((i) => allowed[i]!),
      order,
      servableIndexes.map((i) => addresses[i]!),
    );
    const served: (Candidate | undefined)[] = allowed.map(() => undefined);
    servableIndexes.forEach((i, j) => (served[i] = rest.served[j]));
    return { action: 'block', served };
  }
  const shared = order.find((candidate) => allowed.every((options) => options.includes(candidate)));
  if (shared !== undefined) return { action: actionFor(shared), served: allowed.map(() => shared) };
  const { served, groups } = splitGroups(allowed, order, addresses);
  return { action: 'split', served, groups };
}
