/**
 * The hand-off of a split's attachments to the new message Outlook opened for a group. Outlook's
 * `displayNewMessageFormAsync` takes recipients, subject and HTML, but attachments only by public URL or Exchange
 * item id, and no internet headers; so the pane that opened the message hands them, and the classification the
 * sender chose, to the add-in's own new-message check (OnNewMessageCompose) running in that new message, which adds
 * them itself. Both run at the add-in's origin and meet on one BroadcastChannel:
 *
 *   new message → pane   `ask`   "am I a message you opened?": its recipients and subject, and a fresh id
 *   pane → new message   `give`  the attachments (and the HTML body, where it was too long for the form, and the
 *                                classification), to the ask whose recipients and subject match exactly one message
 *                                the pane is waiting for
 *   new message → pane   `ack`   what it added and what it could not
 *
 * Everything read off the channel is checked for shape: another page of the same origin may post to it.
 */
import { hostAddressKey } from '../core/mailbox-key';
import { CLASSIFICATION_NAME } from '../core/policy/limits';
import type { RecipientField } from '../core/recipient-fields';

export const HAND_OFF_CHANNEL = 'sendguard-split-hand-off';

export type Addressed = Record<RecipientField, string[]> & { subject: string };

export interface Ask extends Addressed {
  type: 'ask';
  ask: string;
}

export interface HandedAttachment {
  /** The name it is added under: for an inline image, the one the handed HTML refers to it by (`cid:<name>`). */
  name: string;
  base64: string;
  inline: boolean;
}

export interface Give {
  type: 'give';
  ask: string;
  handOff: string;
  attachments: HandedAttachment[];
  /** The HTML body, when it could not go through the form (Outlook takes 32 KB there). */
  html?: string;
  /** The classification the sender chose, for the new message's `X-Sendguard-Classification` header. */
  classification?: string;
}

export interface Ack {
  type: 'ack';
  handOff: string;
  /** Names (as handed) that were not added, and why the first of them was not. */
  missing: string[];
  bodyMissing: boolean;
  /** The classification handed over could not be written on the message. */
  classificationMissing: boolean;
  why?: string;
}

const isStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Absent, or a policy's classification name: it goes into a header as it is. */
export const isClassification = (value: unknown) =>
  value === undefined || (typeof value === 'string' && CLASSIFICATION_NAME.test(value));

export const isAddressed = (value: Record<string, unknown>) =>
  isStrings(value.to) && isStrings(value.cc) && isStrings(value.bcc) && typeof value.subject === 'string';

const isHanded = (value: unknown): value is HandedAttachment =>
  isRecord(value) &&
  typeof value.name === 'string' &&
  typeof value.base64 === 'string' &&
  typeof value.inline === 'boolean';

export function isAsk(value: unknown): value is Ask {
  return isRecord(value) && value.type === 'ask' && typeof value.ask === 'string' && isAddressed(value);
}

export function isGive(value: unknown): value is Give {
  return (
    isRecord(value) &&
    value.type === 'give' &&
    typeof value.ask === 'string' &&
    typeof value.handOff === 'string' &&
    Array.isArray(value.attachments) &&
    value.attachments.every(isHanded) &&
    (value.html === undefined || typeof value.html === 'string') &&
    isClassification(value.classification)
  );
}

export function isAck(value: unknown): value is Ack {
  return (
    isRecord(value) &&
    value.type === 'ack' &&
    typeof value.handOff === 'string' &&
    isStrings(value.missing) &&
    typeof value.bodyMissing === 'boolean' &&
    typeof value.classificationMissing === 'boolean' &&
    (value.why === undefined || typeof value.why === 'string')
  );
}

function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  // Case aside, as Outlook may give an address back: the IDNA-free rule, as both sides read Outlook's text.
  const [left, right] = [new Set(a.map(hostAddressKey)), new Set(b.map(hostAddressKey))];
  return left.size === right.size && [...left].every((key) => right.has(key));
}

/** Whether the new message that asked is this one: the same recipients in each field and the same subject. */
export function sameMessage(asked: Addressed, opened: Addressed): boolean {
  return (
    asked.subject.trim() === opened.subject.trim() &&
    sameAddresses(asked.to, opened.to) &&
    sameAddresses(asked.cc, opened.cc) &&
    sameAddresses(asked.bcc, opened.bcc)
  );
}

/** The classification as one of the things that did not come over. */
export const classificationThing = (classification: string) =>
  `the classification you chose (${classification})`;

/** What the sender does when the classification did not come over, in the message `which` names. */
export const setClassificationText = (classification: string, which: 'this' | 'that') =>
  `set the classification to ${classification} in Sendguard’s pane of ${which} message`;
