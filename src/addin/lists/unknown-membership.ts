/**
 * A list Sendguard could not see into: its members may be anyone, so a message that needs any protection does not
 * go to it. Only a message of the policy's first classification, when that requires nothing, may; any other is
 * blocked, naming each list and why, with what the sender can do. No "send anyway": like an entry that is not an
 * address, nothing the sender confirms tells where the list's mail goes.
 */
import type { Plan } from '../../core/plan';
import type { Policy } from '../../core/policy/schema';
import type { UnknownList } from './expand';

const EXPAND_ADVICE = 'Expand the list or choose the recipients, then send again';

/** Whether a message of this classification may go to lists whose members are unknown. */
function unknownMembershipAllowed(classification: string, policy: Policy): boolean {
  const lowest = policy.classifications[0];
  return lowest !== undefined && lowest.name === classification && lowest.requirement === 'none';
}

/** Whether `unknown` lists stop a message of this classification. */
export function blockedByUnknownLists(
  unknown: readonly UnknownList[] | undefined,
  classification: string,
  policy: Policy,
): boolean {
  return (unknown?.length ?? 0) > 0 && !unknownMembershipAllowed(classification, policy);
}

/** The list as the sender sees it in the message, and the list it came through when nested. */
function named({ list }: UnknownList): string {
  const shown = list.displayName ? `${list.displayName} <${list.address}>` : list.address;
  return list.via ? `${shown} (in ${list.via})` : shown;
}

/** Each list, and why its members could not be read. */
function unknownListsNamed(unknown: readonly UnknownList[]): string {
  return unknown.map((u) => `${named(u)} (${u.why})`).join('; ');
}

/** `plan` blocked for `unknown` lists, where its classification does not allow them; otherwise `plan` itself. */
export function blockForUnknownMembership(plan: Plan, unknown: readonly UnknownList[], policy: Policy): Plan {
  if (!blockedByUnknownLists(unknown, plan.classification, policy)) return plan;
  const label =
    policy.classifications.find((c) => c.name === plan.classification)?.label ?? plan.classification;
  const { groups: _groups, ...rest } = plan;
  return {
    ...rest,
    action: 'block',
    // The advice first: the send check's alert cuts long texts off at the end.
    summary: [
      `${EXPAND_ADVICE}: Sendguard could not see who is on ${unknownListsNamed(unknown)}, and a message classified ${label} goes only to recipients it has checked.`,
      // What already blocked it (an entry that is not an address) still needs fixing too.
      ...(plan.action === 'block' ? [plan.summary] : []),
    ].join(' '),
    blocked: [...(plan.blocked ?? []), ...unknown.map((u) => u.list.address)],
  };
}
