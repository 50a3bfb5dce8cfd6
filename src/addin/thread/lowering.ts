/**
 * The sender's explicit choice to send a thread's message below the classification the thread set (policy
 * `threads.allowLowering`), recorded on the item in the `X-Sendguard-Thread-Lowered` header as the classification
 * lowered from, so that the send check, which may run without the pane, honours the same choice. A record for a
 * lower floor than the thread now sets does not cover it.
 */
import type { ClassificationFloor } from '../../core/classify';
import { higherClassification } from '../../core/policy/match';
import type { Policy } from '../../core/policy/schema';

export const THREAD_LOWERED_HEADER = 'X-Sendguard-Thread-Lowered';

/** Whether the sender's recorded choice sets this floor aside: the policy allows it, and it covers the floor. */
export function floorLowered(
  floor: ClassificationFloor,
  lowered: string | undefined,
  policy: Policy,
): boolean {
  if (!policy.threads.allowLowering || lowered === undefined) return false;
  if (!policy.classifications.some((c) => c.name === lowered)) return false;
  return higherClassification(floor.classification, lowered, policy) === lowered;
}

function rank(name: string, policy: Policy): number {
  return policy.classifications.findIndex((c) => c.name === name);
}

/** Whether `name` is below the floor: a choice of it lowers the thread's classification. */
export function belowFloor(name: string, floor: ClassificationFloor, policy: Policy): boolean {
  return rank(name, policy) < rank(floor.classification, policy);
}

/**
 * What the pane writes beside the sender's choice of `name`: nothing where the thread sets no floor; the floor
 * lowered from where the choice is below it and the policy allows that; otherwise an empty value, which takes back
 * an earlier choice to go below (both hosts read an empty header as none).
 */
export function loweringHeaders(
  name: string,
  floor: ClassificationFloor | undefined,
  policy: Policy,
): Record<string, string> {
  if (!floor) return {};
  const lowers = policy.threads.allowLowering && belowFloor(name, floor, policy);
  return { [THREAD_LOWERED_HEADER]: lowers ? floor.classification : '' };
}
