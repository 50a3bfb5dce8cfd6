/**
 * What a split would lose, said before it happens (issue 22's contract, rule 3): the host's new messages carry only
 * what `NewMessageCarries` says, so each thing the original has beyond that is named with the recipients of the
 * moved groups who would miss it, and the host's own reason. A split never drops anything silently.
 */
import { listed } from '../../core/english';
import { utf8Length } from '../../core/utf8';
import type { Plan } from '../../core/plan';
import type { HostAttachment, NewMessageCarries, NewMessages } from '../host';
import { carriedClassification, type Classifications } from './classification';
import { groupNames } from './group-names';
import type { Outline, Unreadable } from './original';

const quoted = (attachments: readonly HostAttachment[]) => attachments.map((a) => `“${a.name}”`);

/** A classification as the pane's picker shows it: its label, else its name. */
const shownAs = (policy: Classifications, name: string) =>
  policy.classifications.find((c) => c.name === name)?.label ?? name;

/**
 * The things the original has that new messages from this host cannot carry, each in a few words. `classification`
 * is the one a new message is given (carriedClassification), if any.
 */
function uncarried(
  carries: NewMessageCarries,
  outline: Outline,
  policy: Classifications,
  classification: string | undefined,
): string[] {
  const { attachments } = outline;
  const files = attachments.filter((a) => !a.inline && a.kind === 'file');
  const items = attachments.filter((a) => !a.inline && a.kind === 'item');
  const images = attachments.filter((a) => a.inline && a.kind !== 'cloud');
  // A link to a file kept elsewhere has no content a new message could be given, on any host.
  const cloud = attachments.filter((a) => a.kind === 'cloud');
  const lost: string[] = [];
  if (carries.htmlBytes !== undefined && utf8Length(outline.html) > carries.htmlBytes)
    lost.push('the message text');
  if (cloud.length > 0)
    lost.push(`the linked ${cloud.length === 1 ? 'file' : 'files'} ${listed(quoted(cloud))}`);
  if (!carries.files && files.length > 0) lost.push(...quoted(files));
  if (!carries.items && items.length > 0)
    lost.push(`the attached ${items.length === 1 ? 'message' : 'messages'} ${listed(quoted(items))}`);
  if (!carries.inlineImages && images.length > 0)
    lost.push(`the ${images.length === 1 ? 'image' : 'images'} in the body ${listed(quoted(images))}`);
  if (!carries.importance && outline.importance !== undefined && outline.importance !== 'normal')
    lost.push(`the ${outline.importance} importance`);
  if (!carries.replyTo && outline.replyTo.length > 0)
    lost.push(`the reply-to address ${listed(outline.replyTo)}`);
  // Without it the new message starts from the default and its detectors alone: lower than the plan, whether the
  // sender chose it or a sensitivity label or detector raised it.
  if (!carries.classification && classification !== undefined)
    lost.push(
      classification === outline.classification
        ? `the classification you chose, ${shownAs(policy, classification)}`
        : `the classification ${shownAs(policy, classification)}`,
    );
  return lost;
}

/**
 * Why a split into the plan's groups (the first stays in this message) cannot keep the whole message on this
 * host: one sentence, or none when nothing would be lost.
 */
export function splitLoss(
  newMessages: NewMessages | undefined,
  outline: Outline,
  plan: Pick<Plan, 'groups' | 'classification'>,
  policy: Classifications,
): string | undefined {
  const moved = (plan.groups ?? []).slice(1);
  if (moved.length === 0) return undefined;
  if (!newMessages)
    return `This mail client cannot open a new message for ${groupNames(moved)}, so Sendguard cannot split this one: remove them here and write to them in a message of their own.`;
  const lost = uncarried(newMessages.carries, outline, policy, carriedClassification(plan, policy));
  if (lost.length === 0) return undefined;
  const limit = newMessages.carries.limit ? ` ${newMessages.carries.limit}` : '';
  return `Split here, ${listed(lost)} would be missing for ${groupNames(moved)}.${limit} Remove them here and write to them in a message of their own, or take out what cannot be carried.`;
}

const UNREADABLE_NAMES: Record<Unreadable, string> = {
  importance: 'an importance',
  replyTo: 'a reply-to address',
};

/**
 * Where the host cannot read importance or reply-to and its new messages cannot carry them, nobody knows whether
 * the sender set one: not a loss to refuse the split for, but worth a word under its groups. None otherwise.
 */
export function splitNote(
  newMessages: NewMessages | undefined,
  outline: Outline,
  plan: Pick<Plan, 'groups'>,
): string | undefined {
  if (!newMessages || (plan.groups ?? []).length < 2) return undefined;
  const unknown = outline.unreadable.filter((what) => !newMessages.carries[what]);
  if (unknown.length === 0) return undefined;
  const limit = newMessages.carries.limit ? ` ${newMessages.carries.limit}` : '';
  return `If you set ${unknown.map((what) => UNREADABLE_NAMES[what]).join(' or ')} on this message, set it again in each new message: they open without it.${limit}`;
}
