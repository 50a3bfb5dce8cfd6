/**
 * What shows that a message the sender replies to or forwards arrived protected: its headers (the organisation's
 * classification header, Sendguard's applied-protection record, an encrypted MIME type) and the text it left in
 * the reply (an armored OpenPGP message, a secure-pickup link). Pure, so that both hosts read a thread alike; each
 * host adapter only finds the original's headers and says whether the new message is a reply or a forward.
 */
import { PICKUP_PATH } from '../../core/escrow/link';
import { CLASSIFICATION_HEADER, APPLIED_HEADER, parseApplied, type AppliedRecord } from '../protect/applied';
import { CLASSIFICATION_NAME } from '../../core/policy/limits';

/** One sign that the thread was protected. */
export type ThreadMark =
  | { kind: 'openpgp' }
  | { kind: 'smime' }
  /** Encrypted, the host not saying how (Thunderbird's decryption status). */
  | { kind: 'encrypted' }
  | { kind: 'pickup' }
  /** The organisation's classification, by name (checked against the policy when the floor is found). */
  | { kind: 'classified'; classification: string };

/** The message the new one was made from, as far as the host can tell. */
export interface ThreadOrigin {
  how: 'reply' | 'forward';
  marks: ThreadMark[];
}

/** A header of the original by name, case-insensitively; `undefined` when it has none. */
export type HeaderLookup = (name: string) => string | undefined;

const CONTENT_TYPE = 'Content-Type';

/** Encrypted MIME types (RFC 3156 §4, RFC 8551 §3.3); substring checks: a header value is remote input. */
function encryptionOf(contentType: string | undefined): ThreadMark[] {
  const type = contentType?.toLowerCase() ?? '';
  if (type.startsWith('multipart/encrypted') && type.includes('application/pgp-encrypted'))
    return [{ kind: 'openpgp' }];
  if (
    (type.startsWith('application/pkcs7-mime') || type.startsWith('application/x-pkcs7-mime')) &&
    type.includes('enveloped-data')
  )
    return [{ kind: 'smime' }];
  return [];
}

/** What the original's headers say of its protection; names nobody's policy could hold are ignored. */
export function marksInHeaders(header: HeaderLookup): ThreadMark[] {
  const marks: ThreadMark[] = encryptionOf(header(CONTENT_TYPE));
  const classified = header(CLASSIFICATION_HEADER)?.trim();
  if (classified && CLASSIFICATION_NAME.test(classified))
    marks.push({ kind: 'classified', classification: classified });
  const applied = parseApplied(header(APPLIED_HEADER));
  if (applied) {
    // The record's own syntax is looser than a classification name: a name no policy could hold is dropped.
    if (CLASSIFICATION_NAME.test(applied.classification))
      marks.push({ kind: 'classified', classification: applied.classification });
    if (applied.protection === 'pgp') marks.push({ kind: 'openpgp' });
    if (applied.protection === 'escrow') marks.push({ kind: 'pickup' });
  }
  return marks;
}

const ARMORED_MESSAGE = '-----begin pgp message-----';

/**
 * A pickup link's path and fragment start, as the notice writes it and as a link-rewriting gateway (Safe Links)
 * percent-encodes it; recipients' and senders' links alike. Lower case: the text is searched lower-cased.
 */
const PICKUP_LINKS = ['r1.', 's1.'].flatMap((prefix) => [
  `${PICKUP_PATH}#${prefix}`,
  encodeURIComponent(`${PICKUP_PATH}#`).toLowerCase() + prefix,
]);

/**
 * What the text quoted in a reply or forward shows: an armored OpenPGP message (Outlook quotes it undecrypted) or
 * a secure-pickup link (the notice of a message that came by secure pickup). Plain substring searches, linear in
 * the text's length, so no cap is needed beyond the host's own on a body.
 */
export function marksInText(text: string): ThreadMark[] {
  const lower = text.toLowerCase();
  const marks: ThreadMark[] = [];
  if (lower.includes(ARMORED_MESSAGE)) marks.push({ kind: 'openpgp' });
  if (PICKUP_LINKS.some((link) => lower.includes(link))) marks.push({ kind: 'pickup' });
  return marks;
}

/**
 * What a reply's body shows of the thread it quotes. Nothing once OpenPGP or secure pickup was applied: the body is
 * then Sendguard's own armor or notice, not the quote, and read it would raise the floor of the message it protects.
 */
export function quotedMarks(text: string, applied: AppliedRecord | undefined): ThreadMark[] {
  return applied?.protection === 'pgp' || applied?.protection === 'escrow' ? [] : marksInText(text);
}

/** The origin with what its quoted text shows added: a reply quotes what its original said. */
export function withQuotedMarks(
  origin: ThreadOrigin | undefined,
  text: string,
  applied: AppliedRecord | undefined,
): ThreadOrigin | undefined {
  if (!origin) return undefined;
  return { how: origin.how, marks: [...origin.marks, ...quotedMarks(text, applied)] };
}
