/**
 * What a split would lose, said before it happens (issue 22's contract, rule 3): the host's new messages carry only
 * what `NewMessageCarries` says, so each thing the original has beyond that is named with the recipients of the
 * moved groups who would miss it, and the host's own reason. A split never drops anything silently.
 */
import { listed } from '../../core/english';
import type { PlanGroup } from '../../core/plan';
import type { HostAttachment, NewMessageCarries, NewMessages } from '../host';
import { groupNames } from './group-names';
import type { Outline } from './original';

const quoted = (attachments: readonly HostAttachment[]) => attachments.map((a) => `“${a.name}”`);

/** The things the original has that new messages from this host cannot carry, each in a few words. */
export function uncarried(carries: NewMessageCarries, outline: Outline): string[] {
  const { attachments } = outline;
  const files = attachments.filter((a) => !a.inline && a.kind === 'file');
  const items = attachments.filter((a) => !a.inline && a.kind === 'item');
  const images = attachments.filter((a) => a.inline);
  const lost: string[] = [];
  if (!carries.files && files.length > 0) lost.push(...quoted(files));
  if (!carries.items && items.length > 0)
    lost.push(`the attached ${items.length === 1 ? 'message' : 'messages'} ${listed(quoted(items))}`);
  if (!carries.inlineImages && images.length > 0)
    lost.push(`the ${images.length === 1 ? 'image' : 'images'} in the body ${listed(quoted(images))}`);
  if (!carries.importance && outline.importance !== undefined && outline.importance !== 'normal')
    lost.push(`the ${outline.importance} importance`);
  if (!carries.replyTo && outline.replyTo.length > 0)
    lost.push(`the reply-to address ${listed(outline.replyTo)}`);
  return lost;
}

/**
 * Why a split into `groups` (the first stays in this message) cannot keep the whole message on this host: one
 * sentence, or none when nothing would be lost.
 */
export function splitLoss(
  newMessages: NewMessages | undefined,
  outline: Outline,
  groups: readonly PlanGroup[],
): string | undefined {
  const moved = groups.slice(1);
  if (moved.length === 0) return undefined;
  if (!newMessages)
    return `This mail client cannot open a new message for ${groupNames(moved)}, so Sendguard cannot split this one: remove them here and write to them in a message of their own.`;
  const lost = uncarried(newMessages.carries, outline);
  if (lost.length === 0) return undefined;
  const limit = newMessages.carries.limit ? ` ${newMessages.carries.limit}` : '';
  return `Split here, ${listed(lost)} would be missing for ${groupNames(moved)}.${limit} Remove them here and write to them in a message of their own, or take out what cannot be carried.`;
}
