/**
 * Decision records: what a send check decided for one message, as the add-in reports it (`DecisionReport`, the
 * body of `POST /api/v1/decisions`) and as the service keeps it (`DecisionRecord`, read back by the admin console
 * and replayed by the policy preview). A report carries no subject, body or attachment name: the schemas are strict,
 * so a client that sends more is refused rather than silently trimmed.
 *
 * The add-ins' send handler cannot carry zod; it imports the types only (`import type`), which compile away.
 */
import { z } from 'zod';
import { DECISION_LIMITS } from './limits';
import {
  KEY_SOURCES,
  KEY_VERDICTS,
  PROTECTIONS,
  TRANSPORT_VERDICTS,
  type MessageAction,
} from '../vocabulary';

export { DECISION_LIMITS };

const DECISION_HOSTS = ['outlook', 'thunderbird'] as const;
export type DecisionHost = (typeof DECISION_HOSTS)[number];

/**
 * What became of the message, as the host carried out the send check's decision: sent as is, sent with the
 * gateway tag, sent under an applied protection, sent by the sender's "send anyway" past a refusal (Thunderbird
 * tells), stopped, or stopped with an offer to send it anyway whose answer the host does not tell (Outlook).
 */
const DECISION_OUTCOMES = ['allowed', 'tagged', 'protected', 'overridden', 'blocked', 'prompted'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** The outcomes of a message that stopped: the overview counts its recipients as blocked, whatever the plan. */
export const STOPPED_OUTCOMES = ['blocked', 'prompted'] as const satisfies readonly DecisionOutcome[];

export const MESSAGE_ACTIONS = [
  'send',
  'tag',
  'pgp',
  'escrow',
  'split',
  'block',
] as const satisfies readonly MessageAction[];

const recipientFacts = {
  internal: z.boolean(),
  /** Absent for internal recipients: their mail never leaves the organisation, so it is not checked. */
  transport: z.enum(TRANSPORT_VERDICTS).optional(),
  key: z.enum(KEY_VERDICTS),
  keySource: z.enum(KEY_SOURCES).optional(),
  /** The sign-in provider id the assessment named for secure pickup, if any. */
  signIn: z.string().min(1).max(DECISION_LIMITS.signInMax).optional(),
  protection: z.enum(PROTECTIONS),
};

const messageFacts = {
  host: z.enum(DECISION_HOSTS),
  classification: z.string().min(1).max(DECISION_LIMITS.classificationMax),
  action: z.enum(MESSAGE_ACTIONS),
  outcome: z.enum(DECISION_OUTCOMES),
  passcodeSet: z.boolean(),
};

const DecisionReportRecipient = z.strictObject({
  /** As the sender typed it; the service takes its comparison form. */
  address: z.string().min(DECISION_LIMITS.addressMin).max(DECISION_LIMITS.addressMax),
  ...recipientFacts,
});
type DecisionReportRecipient = z.infer<typeof DecisionReportRecipient>;

export const DecisionReport = z.strictObject({
  ...messageFacts,
  recipients: z.array(DecisionReportRecipient).min(1).max(DECISION_LIMITS.recipientsMax),
});
export type DecisionReport = z.infer<typeof DecisionReport>;

export const DecisionRecordRecipient = z.object({
  /** The comparison form of the address, or its pseudonym (`<32 hex>@domain`) when records are pseudonymous. */
  address: z.string(),
  domain: z.string(),
  ...recipientFacts,
});
export type DecisionRecordRecipient = z.infer<typeof DecisionRecordRecipient>;

export const DecisionRecord = z.object({
  id: z.string(),
  /** ISO 8601, the service's clock when the report arrived. */
  at: z.string(),
  /** The policy version running when the report arrived. */
  policyVersion: z.string(),
  /** The sender's address, or its pseudonym. */
  sender: z.string(),
  /** Whether `sender` and the recipients' addresses are pseudonyms. */
  pseudonymous: z.boolean(),
  ...messageFacts,
  recipients: z.array(DecisionRecordRecipient),
});
export type DecisionRecord = z.infer<typeof DecisionRecord>;
