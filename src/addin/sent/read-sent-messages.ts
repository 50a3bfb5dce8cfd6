/**
 * The reader of `GET /api/v1/escrow/messages` (the shape is `MessageList` in core/escrow/wire.ts), by hand: the
 * backend client it belongs to is bundled into the send handler, whose runtime cannot carry zod.
 */
import { Place } from '../../core/evaluate/fields';
import type { MessageSummary } from '../../core/escrow/wire';
import { MESSAGE_STATES, RECIPIENT_PROOFS, RECIPIENT_STATES } from '../../core/vocabulary';

const MESSAGE_ID = { pattern: /^[A-Za-z0-9_-]{22}$/, hint: 'a message id' };
/** An ISO 8601 time is 24 characters; an address at most 320. */
const TIME_MAX = 40;
const ADDRESS_MAX = 320;
/** The create request's bound on recipients. */
const RECIPIENTS_MAX = 500;
/** Bounds a hostile answer only: a sender keeps far fewer messages. */
const MESSAGES_MAX = 100_000;

function readTime(at: Place, value: unknown, name: string): string {
  const text = at.string(value, name, 1, TIME_MAX);
  if (Number.isNaN(Date.parse(text))) at.fail(`${name} "${text}" is not a time`);
  return text;
}

function readRecipient(at: Place, value: unknown): MessageSummary['recipients'][number] {
  const recipient = at.object(value, 'a recipient');
  const optionalTime = (name: 'verifiedAt' | 'openedAt') =>
    recipient[name] === undefined ? {} : { [name]: readTime(at, recipient[name], name) };
  return {
    address: at.string(recipient.address, 'address', 1, ADDRESS_MAX),
    proof: at.word(recipient.proof, RECIPIENT_PROOFS, 'proof'),
    state: at.word(recipient.state, RECIPIENT_STATES, 'state'),
    ...optionalTime('verifiedAt'),
    ...optionalTime('openedAt'),
  };
}

function readSummary(value: unknown): MessageSummary {
  const at = new Place('your secure messages: ');
  const message = at.object(value, 'a message');
  return {
    id: at.matching(message.id, 'id', MESSAGE_ID),
    state: at.word(message.state, MESSAGE_STATES, 'state'),
    createdAt: readTime(at, message.createdAt, 'createdAt'),
    expiresAt: readTime(at, message.expiresAt, 'expiresAt'),
    recipients: at.list(message.recipients, 'recipients', RECIPIENTS_MAX).map((r) => readRecipient(at, r)),
    replies: at.integer(message.replies, 'replies', 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Throws AnswerError naming what is wrong. */
export function readSentMessages(body: unknown): MessageSummary[] {
  const at = new Place('your secure messages: ');
  const list = at.object(body, 'the answer');
  return at.list(list.messages, 'messages', MESSAGES_MAX).map(readSummary);
}
