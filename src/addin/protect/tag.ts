/**
 * The forced-TLS tag the organisation's gateway looks for: added to the subject once (never doubled, however many
 * times the pane or the send check applies it) and removable again. Pure string work, shared by the pane and the
 * send handler.
 */
import type { Policy } from '../../core/policy/schema';

type SubjectTag = NonNullable<Policy['tag']['subject']>;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every occurrence of the tag as a whole word (case-insensitive), with the spaces that set it apart. */
function tagPattern(text: string): RegExp {
  return new RegExp(`(^|\\s)${escapeRegExp(text)}(?=\\s|$)`, 'gi');
}

export function hasSubjectTag(subject: string, tag: SubjectTag): boolean {
  return tagPattern(tag.text).test(subject);
}

/** The subject without any copy of the tag, spaces tidied. */
export function removeSubjectTag(subject: string, tag: SubjectTag): string {
  return subject.replace(tagPattern(tag.text), '$1').replace(/\s+/g, ' ').trim();
}

/** The subject with exactly one copy of the tag, where the policy puts it; already tagged → unchanged. */
export function addSubjectTag(subject: string, tag: SubjectTag): string {
  if (hasSubjectTag(subject, tag)) return subject;
  const rest = subject.trim();
  if (rest === '') return tag.text;
  return tag.position === 'suffix' ? `${rest} ${tag.text}` : `${tag.text} ${rest}`;
}

/** What applying the policy's tag changes: the new subject (when the policy tags subjects) and headers to set. */
export function tagChanges(
  subject: string,
  policy: Pick<Policy, 'tag'>,
): { subject?: string; headers: Record<string, string> } {
  const { subject: subjectTag, header } = policy.tag;
  const tagged = subjectTag ? addSubjectTag(subject, subjectTag) : undefined;
  return {
    ...(tagged !== undefined && tagged !== subject ? { subject: tagged } : {}),
    headers: header ? { [header.name]: header.value } : {},
  };
}
