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
