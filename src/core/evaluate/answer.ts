/**
 * The assess answer is checked before anything is planned from it. Two steps: `readAssessAnswer` accepts exactly
 * what the wire schema (`AssessAnswer` in wire.ts) accepts — written by hand over the vocabulary's word lists,
 * because Outlook's JavaScript-only send handler cannot carry zod — and `checkAnswerCovers` holds the answer to
 * the question asked: every recipient the mail client listed comes back once, assessed or listed as invalid, and
 * nothing else does. Each refusal names the recipient and the reason, for the sender to read.
 */
import { canonicalDomain, canonicalMailboxKey } from '../mailbox-key';
import type { SignInProvider } from '../escrow/wire';
import type { AssessAnswer, AssessedRecipient, KeyAssessment } from '../wire';
import { KEY_SOURCES, KEY_VERDICTS, MAILBOX_ACCESS_VERDICTS, TRANSPORT_VERDICTS } from '../vocabulary';
import { FINGERPRINT_HINT, FINGERPRINT_PATTERN } from '../fingerprint';
import { PLAIN_ADDRESS } from '../plain-address';
import { WIRE_LIMITS as L } from './wire-limits';
import { AnswerError, type Fields, Place, quote } from './fields';
import { readSigned } from './signed';
import { SIGNED_LIMITS } from '../signed/statement';

type Transport = NonNullable<AssessedRecipient['transport']>;
type ReplyPath = NonNullable<AssessAnswer['replyPath']>;

/** A domain's verdict and why, as the transport and the reply path both give it. */
function readDomainSummary(fields: Fields, at: Place, what: string): ReplyPath {
  const checkedAt = at.optionalString(fields.checkedAt, `the ${what} check time`);
  return {
    domain: at.string(fields.domain, `the ${what} domain`, 1, L.domainMax),
    verdict: at.word(fields.verdict, TRANSPORT_VERDICTS, `${what} verdict`),
    reasons: at.reasons(fields.reasons, `the ${what} reasons`),
    ...(checkedAt !== undefined ? { checkedAt } : {}),
  };
}

function readMailboxAccess(value: unknown, at: Place): NonNullable<Transport['mailboxAccess']> {
  const fields = at.object(value, 'the mailbox access');
  const checkedAt = at.optionalString(fields.checkedAt, 'the mailbox access check time');
  return {
    verdict: at.word(fields.verdict, MAILBOX_ACCESS_VERDICTS, 'mailbox access verdict'),
    reasons: at.reasons(fields.reasons, 'the mailbox access reasons'),
    ...(checkedAt !== undefined ? { checkedAt } : {}),
  };
}

function readTransport(fields: Fields, at: Place): Transport {
  return {
    ...readDomainSummary(fields, at, 'transport'),
    ...(fields.mailboxAccess !== undefined
      ? { mailboxAccess: readMailboxAccess(fields.mailboxAccess, at) }
      : {}),
  };
}

function readFingerprint(value: unknown, at: Place): string | undefined {
  const fingerprint = at.optionalString(value, 'the key fingerprint', 64);
  if (fingerprint !== undefined && !FINGERPRINT_PATTERN.test(fingerprint))
    at.fail(`the key fingerprint ${quote(fingerprint)} is not ${FINGERPRINT_HINT}`);
  return fingerprint;
}

function readKey(fields: Fields, at: Place): KeyAssessment {
  const source = fields.source === undefined ? undefined : at.word(fields.source, KEY_SOURCES, 'key source');
  const fingerprint = readFingerprint(fields.fingerprint, at);
  const pinnedFingerprint = at.optionalString(fields.pinnedFingerprint, 'the pinned fingerprint');
  const expires = fields.expires === null ? null : at.optionalString(fields.expires, 'the key expiry');
  const algorithm = at.optionalString(fields.algorithm, 'the key algorithm');
  const armoredKey = at.optionalString(fields.armoredKey, 'the key', L.armoredKeyMax);
  return {
    address: at.string(fields.address, 'the key address', L.addressMin, L.addressMax),
    verdict: at.word(fields.verdict, KEY_VERDICTS, 'key verdict'),
    reasons: at.reasons(fields.reasons, 'the key reasons'),
    ...(source !== undefined ? { source } : {}),
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    ...(pinnedFingerprint !== undefined ? { pinnedFingerprint } : {}),
    ...(expires !== undefined ? { expires } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
    ...(armoredKey !== undefined ? { armoredKey } : {}),
  };
}

function readSignIn(value: unknown, at: Place): SignInProvider {
  const fields = at.object(value, 'the sign-in provider');
  return {
    provider: at.string(fields.provider, 'the sign-in provider', 1, L.signInProviderMax),
    label: at.string(fields.label, 'the sign-in provider name', 1, L.signInLabelMax),
  };
}

/** One recipient of the answer (or of a signed verdict, outage/), read as the wire schema reads it. */
export function readRecipient(value: unknown, index: number): AssessedRecipient {
  const input = (value as Fields | null)?.input;
  const at =
    typeof input === 'string'
      ? new Place(`the answer for ${quote(input)}: `, input)
      : new Place(`recipient ${index + 1} of the answer: `);
  const fields = at.object(value, 'the recipient');
  const transport = fields.transport === undefined ? undefined : at.object(fields.transport, 'the transport');
  return {
    input: at.string(fields.input, 'the recipient as asked'),
    address: at.string(fields.address, 'the address'),
    domain: at.string(fields.domain, 'the domain'),
    internal: at.boolean(fields.internal, 'whether it is internal'),
    ...(transport ? { transport: readTransport(transport, at) } : {}),
    key: readKey(at.object(fields.key, 'the key'), at),
    ...(fields.signIn !== undefined ? { signIn: readSignIn(fields.signIn, at) } : {}),
  };
}

function readInvalid(value: unknown, index: number): AssessAnswer['invalid'][number] {
  const at = new Place(`invalid entry ${index + 1} of the answer: `);
  const fields = at.object(value, 'the entry');
  return {
    input: at.string(fields.input, 'the entry as asked'),
    reason: at.string(fields.reason, 'the reason'),
  };
}

/** The answer as the wire schema reads it: the same checks, unknown fields dropped; throws AnswerError. */
export function readAssessAnswer(body: unknown): AssessAnswer {
  const at = new Place('the answer: ');
  const fields = at.object(body, 'the answer');
  const replyPath =
    fields.replyPath === undefined
      ? undefined
      : readDomainSummary(at.object(fields.replyPath, 'the reply path'), at, 'reply path');
  return {
    policyVersion: at.string(fields.policyVersion, 'the policy version'),
    partial: at.boolean(fields.partial, 'whether it is partial'),
    recipients: at.list(fields.recipients, 'the recipients').map(readRecipient),
    invalid: at.list(fields.invalid, 'the invalid entries').map(readInvalid),
    ...(replyPath ? { replyPath } : {}),
    ...(fields.signed !== undefined
      ? {
          signed: at
            .list(fields.signed, 'the signed verdicts')
            .map((s) => readSigned(s, at, SIGNED_LIMITS.verdictPayloadMax)),
        }
      : {}),
  };
}

/** The answer to `POST /api/v1/keys/:address/accept`, `{ key }`, read as the wire schema reads it; throws AnswerError. */
export function readAcceptedKey(body: unknown): KeyAssessment {
  const at = new Place('the accepted key: ');
  return readKey(at.object(at.object(body, 'the answer').key, 'the key'), at);
}

const sameDomain = (a: string, b: string) => {
  const domain = canonicalDomain(a);
  return domain !== undefined && domain === canonicalDomain(b);
};
const sameMailbox = (a: string, b: string) => {
  const key = canonicalMailboxKey(a);
  return key !== undefined && key === canonicalMailboxKey(b);
};

/**
 * The key of the address the host listed when that is a bare dot-atom address, which the service gives back
 * unchanged but for the domain's case and a trailing root dot; `undefined` for any other form (display names,
 * quoting, internationalised domains), whose normal form only the service's parser knows.
 */
function bareAddressKey(input: string): string | undefined {
  const key = canonicalMailboxKey(input);
  return key !== undefined && PLAIN_ADDRESS.test(key) ? key : undefined;
}

/** A recipient's parts must be about that recipient: another domain's TLS or another address's key is not. */
function checkConsistent(recipient: AssessedRecipient): void {
  const { input, address, domain, transport, key } = recipient;
  const fail = (problem: string): never => {
    throw new AnswerError('ANSWER_INCONSISTENT', `the answer for ${quote(input)} ${problem}`, input);
  };
  const bare = bareAddressKey(input);
  if (bare !== undefined && bare !== canonicalMailboxKey(address)) fail(`gives it as ${quote(address)}`);
  if (!sameDomain(address.slice(address.lastIndexOf('@') + 1), domain))
    fail(`gives the address ${quote(address)} with the domain ${quote(domain)}`);
  if (transport && !sameDomain(transport.domain, domain))
    fail(`reports the transport of ${quote(transport.domain)}, not of ${quote(domain)}`);
  if (!sameMailbox(key.address, address))
    fail(`reports the key of ${quote(key.address)}, not of ${quote(address)}`);
}

/**
 * The answer with its reply path only where that is the sender's own domain's. One of another domain, or not asked
 * for, is left out — the pane then shows no line about replies — rather than refusing the recipients' verdicts
 * with it: the reply path is one line of evidence, not part of any plan. `sender` is in normal form (the pane
 * parses it, its domain an A-label, as the service answers); one that is not compares equal to nothing.
 */
function withOwnReplyPath(answer: AssessAnswer, sender: string | undefined): AssessAnswer {
  const { replyPath, ...rest } = answer;
  if (replyPath === undefined) return answer;
  const domain = sender === undefined ? undefined : sender.slice(sender.lastIndexOf('@') + 1);
  return domain !== undefined && sameDomain(replyPath.domain, domain) ? answer : rest;
}

/** Every recipient asked about comes back exactly once, assessed or invalid, and no other; throws AnswerError. */
export function checkAnswerCovers(answer: AssessAnswer, asked: readonly string[]): void {
  const expected = new Set(asked);
  const answered = new Set<string>();
  const entries = [...answer.recipients, ...answer.invalid];
  for (const { input } of entries) {
    if (!expected.has(input))
      throw new AnswerError(
        'ANSWER_UNASKED_RECIPIENT',
        `the answer speaks of ${quote(input)}, which is not a recipient of this message`,
        input,
      );
    if (answered.has(input))
      throw new AnswerError('ANSWER_DUPLICATE_RECIPIENT', `the answer gives ${quote(input)} twice`, input);
    answered.add(input);
  }
  const missing = asked.find((input) => !answered.has(input));
  if (missing !== undefined)
    throw new AnswerError('ANSWER_MISSING_RECIPIENT', `the answer leaves out ${quote(missing)}`, missing);
  answer.recipients.forEach(checkConsistent);
}

/**
 * The answer to exactly this question (with `sender`: the sender's own address in normal form, asked about for the
 * reply path), read and checked; throws AnswerError naming the recipient and why. A reply path not of the sender's
 * domain is dropped, alone.
 */
export function checkAssessAnswer(body: unknown, asked: readonly string[], sender?: string): AssessAnswer {
  const answer = readAssessAnswer(body);
  checkAnswerCovers(answer, asked);
  return withOwnReplyPath(answer, sender);
}
