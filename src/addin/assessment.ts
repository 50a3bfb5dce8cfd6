/**
 * From what the host lists and what the backend answered to the core's plan: the one path the pane and the send
 * handler share, so that both always reach the same decision for the same message. Addresses are parsed by the
 * backend (the host's strings go as they are), which keeps the address parser and its IDNA tables out of the
 * send handler's small bundle.
 */
import type { Recipient } from '../core/addresses';
import { canonicalMailboxKey } from '../core/mailbox-key';
import { RECIPIENT_FIELDS, type RecipientField } from '../core/recipient-fields';
import type { ScanResult } from '../core/detectors';
import { evaluateMessage, type Evaluation } from '../core/evaluate';
import type { Policy } from '../core/policy/schema';
import type { Assessments } from '../core/wire';
import type { AssessAnswer } from './backend';
import type { HostRecipients } from './host';
import { blockForUnknownMembership } from './lists/unknown-membership';
import { chosenOf, type ComposeState } from './read-message';
import { threadFloor } from './thread/floor';
import { belowFloor, floorLowered } from './thread/lowering';
import type { ClassificationFloor } from '../core/classify';

/** Each distinct address string the host lists, with the fields it appears in. */
export function hostAddresses(recipients: HostRecipients): Map<string, RecipientField[]> {
  const byAddress = new Map<string, RecipientField[]>();
  for (const field of RECIPIENT_FIELDS) {
    for (const { address } of recipients[field]) {
      const fields = byAddress.get(address) ?? [];
      if (!fields.includes(field)) fields.push(field);
      byAddress.set(address, fields);
    }
  }
  return byAddress;
}

/** The answer's recipients as the core's `Recipient`s (one per normalised address) and its assessments. */
export function planInputs(
  answer: AssessAnswer,
  recipients: HostRecipients,
): { recipients: Recipient[]; assessments: Assessments } {
  const fieldsOf = hostAddresses(recipients);
  const names = new Map(
    RECIPIENT_FIELDS.flatMap((f) => recipients[f]).map((r) => [r.address, r.displayName]),
  );
  const merged = new Map<string, Recipient>();
  for (const assessed of answer.recipients) {
    const key = canonicalMailboxKey(assessed.address) ?? assessed.address;
    const fields = fieldsOf.get(assessed.input) ?? ['to'];
    const seen = merged.get(key);
    if (seen) {
      seen.fields = RECIPIENT_FIELDS.filter((f) => seen.fields.includes(f) || fields.includes(f));
      continue;
    }
    const displayName = names.get(assessed.input);
    merged.set(key, {
      address: assessed.address,
      localPart: assessed.address.slice(0, assessed.address.lastIndexOf('@')),
      domain: assessed.domain,
      ...(displayName ? { displayName } : {}),
      fields,
    });
  }
  const domains = new Map(answer.recipients.flatMap((r) => (r.transport ? [[r.domain, r.transport]] : [])));
  const signIn = answer.recipients.flatMap((r) => (r.signIn ? [{ address: r.address, ...r.signIn }] : []));
  return {
    recipients: [...merged.values()],
    assessments: { domains: [...domains.values()], keys: answer.recipients.map((r) => r.key), signIn },
  };
}

export interface PlanContext {
  /** The compose item as read: recipients, body, label, and what the sender chose before. */
  state: Pick<
    ComposeState,
    'recipients' | 'unknownLists' | 'text' | 'chosen' | 'applied' | 'label' | 'thread' | 'lowered'
  >;
  answer: AssessAnswer;
  policy: Policy;
  /** The sender's choice in the open pane; without one, what was chosen before (see `chosenOf`). */
  chosen?: string;
  /** The detectors' result for `state.text`, when already made. */
  scanned?: ScanResult;
  /**
   * The sender has set a passcode in the open pane. The send check never knows it: it changes only the proofs of
   * secure-pickup recipients, never the verdict.
   */
  passcodeSet?: boolean;
}

/** The core's evaluation of the message, with the addresses it was planned for. */
export interface PlannedMessage extends Evaluation {
  /** Normalised addresses, as the applied-protection record hashes them. */
  addresses: string[];
  /** The classification the thread set, and whether the sender chose to go below it (the policy allowing). */
  thread?: { floor: ClassificationFloor; lowered: boolean };
}

export function planFor({
  state,
  answer,
  policy,
  chosen,
  scanned,
  passcodeSet,
}: PlanContext): PlannedMessage {
  const { recipients, assessments } = planInputs(answer, state.recipients);
  const choice = chosen ?? chosenOf(state);
  const floor = threadFloor(state.thread, policy);
  // A choice in the open pane below the floor is the sender's lowering (the pane records it on the item with it).
  const loweredFrom =
    floor && chosen !== undefined && belowFloor(chosen, floor, policy) ? floor.classification : state.lowered;
  const lowered = floor !== undefined && floorLowered(floor, loweredFrom, policy);
  const evaluation = evaluateMessage({
    text: state.text,
    recipients,
    assessments,
    policy,
    ...(choice !== undefined ? { chosen: choice } : {}),
    ...(state.label ? { label: state.label } : {}),
    ...(floor && !lowered ? { floor } : {}),
    ...(scanned ? { scanned } : {}),
    ...(passcodeSet !== undefined ? { passcodeSet } : {}),
    invalid: answer.invalid,
  });
  const plan = blockForUnknownMembership(evaluation.plan, state.unknownLists ?? [], policy);
  return {
    ...evaluation,
    plan,
    addresses: recipients.map((r) => r.address),
    ...(floor ? { thread: { floor, lowered } } : {}),
  };
}
