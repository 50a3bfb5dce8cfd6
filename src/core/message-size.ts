/**
 * How large a message would be as it leaves, for each protection, estimated from its parts' sizes before anything
 * is encrypted or split (docs/policy.md, "Message sizes"), and the sentence that names a message over its limit.
 * An estimate errs large: a message it lets through must fit, and one just over is better named than bounced.
 */
import { bodyImageFiles } from './data-url-images';
import { listed } from './english';
import { ciphertextSize } from './escrow/stream-format';
import type { Candidate } from './plan/types';
import { POLICY_LIMITS } from './policy/limits';
import { utf8Length } from './utf8';
import { PROTECTION_NAMES } from './vocabulary';

/** What the estimate reads from a message: its parts, never its bytes. */
export interface MessageOutline {
  subject: string;
  html: string;
  /** The plain-text body: what OpenPGP encrypts and secure pickup stores beside the HTML. */
  text: string;
  /**
   * Every attachment the host lists, inline images included: every protection carries them all (OpenPGP sends an
   * image as an encrypted file, secure pickup stores it with the other attachments).
   */
  attachments: readonly OutlineAttachment[];
}

export interface OutlineAttachment {
  name: string;
  contentType: string;
  /** Bytes, as the host reports them. */
  size: number;
}

/** One message to size: the recipients it goes to and the protection it gets. */
export interface SizedMessage {
  protection: Candidate;
  addresses: readonly string[];
}

export interface SizeLimits {
  /** The organisation's largest message (`limits.messageBytes`). */
  messageBytes: number;
  /** The service's largest secure-pickup ciphertext (`escrow.maxMessageBytes`), where it says. */
  escrowBytes?: number;
}

/** A message over a limit: `stored` when it is secure pickup's ciphertext, `sent` for mail that leaves. */
export interface SizeProblem {
  message: SizedMessage;
  kind: 'sent' | 'stored';
  bytes: number;
  limit: number;
}

/** The header block: fixed fields, Received lines added on the way, and each address once with its separator. */
const HEADER_BYTES = 4096;
const PER_ADDRESS_BYTES = 4;
/** A MIME part's own headers (type, disposition with the file name, encoding, boundary line). */
const PART_HEADER_BYTES = 320;
/**
 * OpenPGP per recipient key: one public-key encrypted session key packet. RSA's is the largest, its modulus long:
 * for the largest RSA key the policy can require (`keys.minRsaBits` up to 16384 bits) a version 6 packet is 2089
 * bytes (a 2048-byte MPI, the 32-byte fingerprint, its own header); X25519's and RSA-4096's are far smaller.
 */
const PGP_PER_KEY_BYTES = POLICY_LIMITS.minRsaBitsMax / 8 + 64;
/** OpenPGP per message: literal data, encrypted data and integrity packets' headers, the file name aside. */
const PGP_MESSAGE_BYTES = 128;
/** Keys a protected message is encrypted to besides its recipients': the sender's own and the compliance key. */
const PGP_EXTRA_KEYS = 2;
/** ASCII armor: the BEGIN/END lines and checksum. */
const ARMOR_BYTES = 96;
/** The pickup notice that replaces a secure-pickup message's body (src/addin/protect/escrow/notice.ts, HTML and text). */
const NOTICE_BYTES = 24 * 1024;
/** Secure pickup's manifest beside the message: format version, the reply key and each attachment's entry. */
const MANIFEST_BYTES = 512;
const MANIFEST_ENTRY_BYTES = 160;

/** Base64 of `bytes` as MIME writes it: lines of 76 characters, each ended by CRLF (RFC 2045 §6.8). */
export function base64MimeLength(bytes: number): number {
  const encoded = 4 * Math.ceil(bytes / 3);
  return encoded + 2 * Math.ceil(encoded / 76);
}

/** ASCII armor of `bytes`: lines of 64 characters (RFC 9580 §6.2), CRLF as mail carries them. */
function armoredLength(bytes: number): number {
  const encoded = 4 * Math.ceil(bytes / 3);
  return encoded + 2 * Math.ceil(encoded / 64) + ARMOR_BYTES;
}

function headerBytes(outline: MessageOutline, message: SizedMessage): number {
  const addresses = message.addresses.reduce((sum, a) => sum + utf8Length(a) + PER_ADDRESS_BYTES, 0);
  // A non-ASCII subject is written as encoded words: base64 of its UTF-8 bytes, at worst.
  return HEADER_BYTES + addresses + base64MimeLength(utf8Length(outline.subject));
}

function attachmentPart(name: string, bytes: number): number {
  return PART_HEADER_BYTES + 2 * utf8Length(name) + base64MimeLength(bytes);
}

/** Plain mail and forced TLS: the text and HTML bodies and every attachment, base64 (the worst a client writes). */
function mimeBytes(outline: MessageOutline): number {
  const bodies = attachmentPart('', utf8Length(outline.text)) + attachmentPart('', utf8Length(outline.html));
  return outline.attachments.reduce((sum, a) => sum + attachmentPart(a.name, a.size), bodies);
}

/**
 * The text body armored, and each file encrypted: every listed attachment and every picture the HTML holds as a
 * `data:` URL (Thunderbird's inline images), which OpenPGP sends as files because the HTML does not go.
 */
function pgpBytes(outline: MessageOutline, keys: number): number {
  const sealed = (bytes: number, name = '') =>
    bytes + utf8Length(name) + PGP_MESSAGE_BYTES + keys * PGP_PER_KEY_BYTES;
  const body = PART_HEADER_BYTES + armoredLength(sealed(utf8Length(outline.text)));
  const files = [...outline.attachments, ...bodyImageFiles(outline)];
  return files.reduce((sum, f) => sum + attachmentPart(`${f.name}.pgp`, sealed(f.size, f.name)), body);
}

/** What secure pickup stores: the manifest (subject, HTML, text, attachment entries) and each attachment, encrypted. */
function escrowStoredBytes(outline: MessageOutline): number {
  const attached = outline.attachments;
  const manifest =
    MANIFEST_BYTES +
    jsonLength(outline.subject) +
    jsonLength(outline.html) +
    jsonLength(outline.text) +
    attached.reduce(
      (sum, a) => sum + MANIFEST_ENTRY_BYTES + jsonLength(a.name) + jsonLength(a.contentType),
      0,
    );
  return attached.reduce((sum, a) => sum + ciphertextSize(a.size), ciphertextSize(manifest));
}

/** A string's UTF-8 bytes inside JSON, quotes and escapes included. */
function jsonLength(text: string): number {
  return utf8Length(JSON.stringify(text));
}

/** The message as it leaves, and for secure pickup the ciphertext the service stores. */
export function estimateSize(
  outline: MessageOutline,
  message: SizedMessage,
): { sent: number; stored?: number } {
  const headers = headerBytes(outline, message);
  switch (message.protection) {
    case 'none':
    case 'tls':
      return { sent: headers + mimeBytes(outline) };
    case 'pgp':
      return { sent: headers + pgpBytes(outline, message.addresses.length + PGP_EXTRA_KEYS) };
    case 'escrow':
      return { sent: headers + NOTICE_BYTES, stored: escrowStoredBytes(outline) };
  }
}

/** Each message over a limit, with its estimated size. */
export function sizeProblems(
  outline: MessageOutline,
  messages: readonly SizedMessage[],
  limits: SizeLimits,
): SizeProblem[] {
  return messages.flatMap((message) => {
    const { sent, stored } = estimateSize(outline, message);
    const problems: SizeProblem[] = [];
    if (sent > limits.messageBytes)
      problems.push({ message, kind: 'sent', bytes: sent, limit: limits.messageBytes });
    if (stored !== undefined && limits.escrowBytes !== undefined && stored > limits.escrowBytes)
      problems.push({ message, kind: 'stored', bytes: stored, limit: limits.escrowBytes });
    return problems;
  });
}

const KB = 1024;
const MB = 1024 * KB;

/**
 * Sizes as mail providers state their limits (1 MB = 2^20 bytes), to one decimal, in KB below a megabyte: a size
 * rounded up and a limit rounded down, so that a message over its limit never reads as within it.
 */
export function megabytes(bytes: number, round: 'up' | 'down'): string {
  const rounded = round === 'up' ? Math.ceil : Math.floor;
  if (bytes < MB) return `${rounded(bytes / KB)} KB`;
  const tenths = rounded((bytes / MB) * 10);
  return `${Math.floor(tenths / 10)}${tenths % 10 === 0 ? '' : `.${tenths % 10}`} MB`;
}

/** The problem in one sentence for the sender: whose message, with what protection, how large, and the limit. */
export function sizeProblemText({ message, kind, bytes, limit }: SizeProblem): string {
  const whose = listed(message.addresses);
  const size = megabytes(bytes, 'up');
  const most = megabytes(limit, 'down');
  return kind === 'sent'
    ? `The message for ${whose} (${PROTECTION_NAMES[message.protection]}) would be about ${size}; your organisation sends at most ${most}.`
    : `The message for ${whose} would be about ${size} stored for ${PROTECTION_NAMES.escrow}; the Sendguard service stores at most ${most} per message.`;
}
