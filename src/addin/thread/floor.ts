/**
 * The classification a thread sets at least (policy `threads`), and the sentence that tells the sender why: "This
 * thread was restricted: the message you are replying to was OpenPGP-encrypted". An encrypted message or one that
 * came by secure pickup sets the policy's `threads.encryptedClassification`; a classification header sets the
 * classification it names where this policy has it (another organisation's names mean nothing here).
 */
import type { ClassificationFloor } from '../../core/classify';
import { higherClassification } from '../../core/policy/match';
import type { Policy } from '../../core/policy/schema';
import type { ThreadMark, ThreadOrigin } from './marks';

/** The classification an encrypted thread starts at: the policy's, or the weakest that asks for end-to-end. */
export function encryptedClassification(policy: Policy): string {
  const { classifications } = policy;
  return (
    policy.threads.encryptedClassification ??
    classifications.find((c) => c.requirement === 'end-to-end')?.name ??
    classifications[classifications.length - 1]!.name
  );
}

function labelOf(name: string, policy: Policy): string {
  return policy.classifications.find((c) => c.name === name)?.label ?? name;
}

/** The classification one mark sets, or `undefined` when this policy has no such classification. */
function classificationOf(mark: ThreadMark, policy: Policy): string | undefined {
  if (mark.kind !== 'classified') return encryptedClassification(policy);
  return policy.classifications.some((c) => c.name === mark.classification) ? mark.classification : undefined;
}

function whatItWas(mark: ThreadMark, policy: Policy): string {
  switch (mark.kind) {
    case 'openpgp':
      return 'was OpenPGP-encrypted';
    case 'smime':
      return 'was S/MIME-encrypted';
    case 'encrypted':
      return 'was encrypted';
    case 'pickup':
      return 'came by secure pickup';
    case 'classified':
      return `was classified ${labelOf(mark.classification, policy)}`;
  }
}

/**
 * The floor the thread sets, or `undefined` where it sets none: the policy does not keep threads' protection, the
 * message is new, nothing marks the original, or the marks ask for no more than the weakest classification.
 */
export function threadFloor(
  origin: ThreadOrigin | undefined,
  policy: Policy,
): ClassificationFloor | undefined {
  if (!origin || !policy.threads.keepProtection) return undefined;
  let floor: { name: string; mark: ThreadMark } | undefined = undefined;
  for (const mark of origin.marks) {
    const name = classificationOf(mark, policy);
    if (name === undefined) continue;
    if (!floor || (name !== floor.name && higherClassification(floor.name, name, policy) === name))
      floor = { name, mark };
  }
  if (!floor || floor.name === policy.classifications[0]!.name) return undefined;
  const original =
    origin.how === 'reply' ? 'the message you are replying to' : 'the message you are forwarding';
  return {
    classification: floor.name,
    because: `This thread was restricted: ${original} ${whatItWas(floor.mark, policy)}, so this message is ${labelOf(floor.name, policy)} at least`,
  };
}
