/**
 * What the pane and the send check read from the compose item before asking the backend: recipients, subject,
 * the plain-text body (for the detectors), the sensitivity label, and what Sendguard wrote on the item earlier
 * (the sender's classification, the applied-protection record). One reader for both, so they plan alike.
 */
import { CLASSIFICATION_NAME } from '../core/policy/limits';
import type { HostRecipients, MailHost } from './host';
import { expandLists, type UnknownList } from './lists/expand';
import { APPLIED_HEADER, CLASSIFICATION_HEADER, parseApplied, type AppliedRecord } from './protect/applied';
import { THREAD_LOWERED_HEADER } from './thread/lowering';
import { withQuotedMarks, type ThreadOrigin } from './thread/marks';

export type MessageReader = PartsReader & Partial<Pick<MailHost, 'getSensitivityLabel' | 'getThreadOrigin'>>;

/** The compose item as the add-in reads it: what the plan is made from. */
export interface ComposeState {
  /** With every list the host marks replaced by its members (src/addin/lists), or kept where they are unknown. */
  recipients: HostRecipients;
  /** The lists whose members could not be read: the plan blocks them above the first classification. */
  unknownLists?: UnknownList[];
  subject: string;
  text: string;
  /** The classification the sender chose in the pane, if any. */
  chosen?: string;
  applied?: AppliedRecord;
  label?: string;
  /** The message this one replies to or forwards, with what shows it was protected (thread/floor.ts). */
  thread?: ThreadOrigin;
  /** The classification the sender chose to go below, where the thread set one (thread/lowering.ts). */
  lowered?: string;
}

/**
 * The classification the sender chose, from the value of the item's `X-Sendguard-Classification` header (or the
 * one they lowered a thread from, `X-Sendguard-Thread-Lowered`). Anything in it that is not a policy's
 * classification name is ignored, not trusted.
 */
export function chosenIn(header: string | undefined): string | undefined {
  const chosen = header?.trim();
  return chosen && CLASSIFICATION_NAME.test(chosen) ? chosen : undefined;
}

/** What both the pane's plan and the checks before applying read from the item; read here only. */
export type ReadParts = Pick<ComposeState, 'recipients' | 'unknownLists' | 'subject' | 'text' | 'chosen'>;

export type PartsReader = Pick<MailHost, 'getRecipients' | 'getSubject' | 'getBody' | 'getHeader'> &
  Partial<Pick<MailHost, 'lists'>>;

/** The host's recipients with its lists expanded; `unknownLists` only when some list could not be. */
async function expandedRecipients(
  host: PartsReader,
): Promise<Pick<ReadParts, 'recipients' | 'unknownLists'>> {
  const { recipients, unknown } = await expandLists(await host.getRecipients(), host.lists);
  return { recipients, ...(unknown.length > 0 ? { unknownLists: unknown } : {}) };
}

export async function readParts(host: PartsReader): Promise<ReadParts> {
  const [recipients, subject, text, chosenHeader] = await Promise.all([
    expandedRecipients(host),
    host.getSubject(),
    host.getBody('text'),
    host.getHeader(CLASSIFICATION_HEADER),
  ]);
  const chosen = chosenIn(chosenHeader);
  return { ...recipients, subject, text, ...(chosen ? { chosen } : {}) };
}

export async function readMessage(host: MessageReader): Promise<ComposeState> {
  const [parts, appliedHeader, label, origin, loweredHeader] = await Promise.all([
    readParts(host),
    host.getHeader(APPLIED_HEADER),
    host.getSensitivityLabel ? host.getSensitivityLabel() : Promise.resolve(undefined),
    host.getThreadOrigin ? host.getThreadOrigin() : Promise.resolve(undefined),
    host.getHeader(THREAD_LOWERED_HEADER),
  ]);
  const applied = parseApplied(appliedHeader);
  const thread = withQuotedMarks(origin, parts.text, applied);
  const lowered = chosenIn(loweredHeader);
  return {
    ...parts,
    ...(applied ? { applied } : {}),
    ...(label ? { label } : {}),
    ...(thread ? { thread } : {}),
    ...(lowered ? { lowered } : {}),
  };
}

/** The sender's explicit choice, else the classification the applied protection was chosen under. */
export function chosenOf(state: Pick<ComposeState, 'chosen' | 'applied'>): string | undefined {
  return state.chosen ?? state.applied?.classification;
}

/** Every distinct address string the host lists, To, Cc and Bcc together. */
export function allAddresses(recipients: HostRecipients): string[] {
  return [...new Set([...recipients.to, ...recipients.cc, ...recipients.bcc].map((r) => r.address))];
}
