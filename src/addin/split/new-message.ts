/**
 * Who goes where in a split: the original keeps the plan's first group, each other group gets a new message with
 * its recipients in the fields the original holds them in, and everything else the original has.
 */
import { mailboxKey } from '../../core/addresses';
import type { PlanGroup } from '../../core/plan';
import { perField, type CarriedAttachment, type HostRecipients, type NewMessage } from '../host';
import type { Outline } from './original';

/** The comparison forms of a group's addresses (the service's, so each has one). */
const mailboxKeys = (addresses: readonly string[]) =>
  new Set(addresses.flatMap((address) => mailboxKey(address) ?? []));

/** The recipients of `groups`, field by field, as the original holds them. */
export function recipientsOf(recipients: HostRecipients, groups: readonly PlanGroup[]): HostRecipients {
  const members = mailboxKeys(groups.flatMap((g) => g.addresses));
  return perField((field) => recipients[field].filter((r) => members.has(mailboxKey(r.address) ?? '')));
}

/**
 * The original's recipients without those of `groups`. A recipient the host holds that is not an address was in
 * no group, so it stays (and the send check stops the message on it).
 */
export function withoutGroups(recipients: HostRecipients, groups: readonly PlanGroup[]): HostRecipients {
  const moved = mailboxKeys(groups.flatMap((g) => g.addresses));
  return perField((field) => recipients[field].filter((r) => !moved.has(mailboxKey(r.address) ?? '')));
}

/**
 * The new message for `group`: its recipients per field, the original's subject, body, attachments and headers,
 * and `classification`, the one carriedClassification gives it (the plan's, where a sender, label or detector
 * raised it above the default): the new message plans from it rather than from less.
 */
export function newMessageFor(
  group: PlanGroup,
  original: Outline,
  attachments: readonly CarriedAttachment[],
  classification: string | undefined,
): NewMessage {
  const mine = recipientsOf(original.recipients, [group]);
  return {
    ...perField((field) => mine[field].map((r) => r.address)),
    subject: original.subject,
    html: original.html,
    attachments: [...attachments],
    ...(original.importance !== undefined ? { importance: original.importance } : {}),
    ...(original.replyTo.length > 0 ? { replyTo: original.replyTo } : {}),
    ...(classification !== undefined ? { classification } : {}),
  };
}
