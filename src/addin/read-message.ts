/**
 * What the pane and the send check read from the compose item before asking the backend: recipients, subject,
 * the plain-text body (for the detectors), the sensitivity label, and what Sendguard wrote on the item earlier
 * (the sender's classification, the applied-protection record). One reader for both, so they plan alike.
 */
import type { HostRecipients, MailHost } from './host';
import { APPLIED_HEADER, CLASSIFICATION_HEADER, parseApplied, type AppliedRecord } from './protect/applied';

export type MessageReader = Pick<MailHost, 'getRecipients' | 'getSubject' | 'getBody' | 'getHeader'> &
  Partial<Pick<MailHost, 'getSensitivityLabel'>>;

export interface MessageState {
  recipients: HostRecipients;
  subject: string;
  text: string;
  /** The classification the sender chose in the pane, if any. */
  chosen?: string;
  applied?: AppliedRecord;
  label?: string;
}

/** Classification names are policy identifiers; anything else in the header is ignored, not trusted. */
const CLASSIFICATION_NAME = /^[a-z][a-z0-9-]{0,39}$/;

export async function readMessage(host: MessageReader): Promise<MessageState> {
  const [recipients, subject, text, appliedHeader, chosenHeader, label] = await Promise.all([
    host.getRecipients(),
    host.getSubject(),
    host.getBody('text'),
    host.getHeader(APPLIED_HEADER),
    host.getHeader(CLASSIFICATION_HEADER),
    host.getSensitivityLabel ? host.getSensitivityLabel() : Promise.resolve(undefined),
  ]);
  const applied = parseApplied(appliedHeader);
  const chosen = chosenHeader?.trim();
  return {
    recipients,
    subject,
    text,
    ...(chosen && CLASSIFICATION_NAME.test(chosen) ? { chosen } : {}),
    ...(applied ? { applied } : {}),
    ...(label ? { label } : {}),
  };
}

/** The sender's explicit choice, else the classification the applied protection was chosen under. */
export function chosenOf(state: Pick<MessageState, 'chosen' | 'applied'>): string | undefined {
  return state.chosen ?? state.applied?.classification;
}

/** Every distinct address string the host lists, To, Cc and Bcc together. */
export function allAddresses(recipients: HostRecipients): string[] {
  return [...new Set([...recipients.to, ...recipients.cc, ...recipients.bcc].map((r) => r.address))];
}
