/**
 * What crosses the wire between the add-in, the portal and the escrow API, and what sits inside the encrypted
 * manifests. The server validates every body against these (as JSON Schema); the clients parse every answer.
 */
import { z } from 'zod';
import { WIRE_LIMITS } from '../evaluate/wire-limits';
import { MESSAGE_STATES, RECIPIENT_PROOFS, RECIPIENT_STATES, type RecipientProof } from '../vocabulary';

const b64 = (bytes: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}$`), `${bytes} bytes, base64url`);
const b64Range = (max: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'base64url')
    .max(Math.ceil((max * 4) / 3));

export const MessageId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'a message id');
export const Address = z.string().min(3).max(320);
export const MAX_BLOBS = 101;
export const MAX_BLOB_BYTES = 2 ** 40;
const BlobSizes = z.array(z.number().int().min(24).max(MAX_BLOB_BYTES)).min(1).max(MAX_BLOBS);

/**
 * No sender name or address: the server names the sender after the authenticated caller (the Entra user, or
 * the owner of the API token), so a sender cannot put a message out under someone else's name.
 */
export const RecipientProofWord = z.enum(RECIPIENT_PROOFS);

/** A recipient and the proof they must give; `passcode` recipients also need the sender's passcode to decrypt. */
export const EscrowRecipient = z.strictObject({ address: Address, proof: RecipientProofWord });
export type EscrowRecipient = z.infer<typeof EscrowRecipient>;

export const CreateEscrowRequest = z.strictObject({
  recipients: z.array(EscrowRecipient).min(1).max(500),
  expiryDays: z.number().int().min(1).max(365),
  blobCount: z.number().int().min(1).max(MAX_BLOBS),
  replyPublicKey: b64(65),
  /** 12-byte nonce + sealed PKCS #8 (about 138 bytes) + tag. */
  wrappedReplyKey: b64Range(512),
  senderAccess: b64(32),
  /** Present exactly when some recipient's proof is `passcode`. */
  passcode: z.strictObject({ salt: b64(16), check: b64(32) }).optional(),
});
export type CreateEscrowRequest = z.infer<typeof CreateEscrowRequest>;

export const CreateEscrowResponse = z.object({
  id: MessageId,
  serverSecret: b64(32),
  expiresAt: z.string(),
});
export type CreateEscrowResponse = z.infer<typeof CreateEscrowResponse>;

/** 12-byte nonce, 32-byte key, 16-byte tag. */
export const WRAPPED_KEY_BYTES = 60;

/**
 * Whether a message has `wrappedKey` (`K` under `L ‖ S`): exactly when some recipient opens it without the
 * passcode. A message only for `passcode` recipients has none, so the server's data plus the link never open it.
 */
export function opensWithoutPasscode(recipients: ReadonlyArray<{ proof: RecipientProof }>): boolean {
  return recipients.some((r) => r.proof !== 'passcode');
}

export const FinalizeRequest = z.strictObject({
  /** `K` under `L ‖ S`: released to recipients proven by sign-in or code; present exactly when there are some. */
  wrappedKey: b64(WRAPPED_KEY_BYTES).optional(),
  /** `K` under `L ‖ S ‖ PK`: released to `passcode` recipients; present exactly when the message has a passcode. */
  passcodeWrappedKey: b64(WRAPPED_KEY_BYTES).optional(),
  /** `K` under the sender secret `R`: the sender reads their own message and checks replies' tags with it. */
  senderWrappedKey: b64(WRAPPED_KEY_BYTES),
  blobSizes: BlobSizes,
});
export type FinalizeRequest = z.infer<typeof FinalizeRequest>;
export const FinalizeReplyRequest = z.strictObject({ blobSizes: BlobSizes });
export type FinalizeReplyRequest = z.infer<typeof FinalizeReplyRequest>;

export const MessageState = z.enum(MESSAGE_STATES);
export type MessageState = z.infer<typeof MessageState>;

export const RecipientState = z.enum(RECIPIENT_STATES);
export type RecipientState = z.infer<typeof RecipientState>;

export const RecipientStatus = z.object({
  address: z.string(),
  proof: RecipientProofWord,
  state: RecipientState,
  /** When the recipient last proved who they are (a right code or a sign-in). */
  verifiedAt: z.string().optional(),
  /** When the recipient first opened the message (was given its keys), not merely proved who they are. */
  openedAt: z.string().optional(),
});

export const MessageSummary = z.object({
  id: MessageId,
  state: MessageState,
  createdAt: z.string(),
  expiresAt: z.string(),
  recipients: z.array(RecipientStatus),
  replies: z.number().int(),
});
export type MessageSummary = z.infer<typeof MessageSummary>;
export const MessageList = z.object({ messages: z.array(MessageSummary) });
export type MessageList = z.infer<typeof MessageList>;

export const AuditEvent = z.enum([
  'created',
  'code-sent',
  'code-failed',
  /** Wrong codes or passcodes for the recipient reached the longest wait; the sender is told by mail. */
  'longest-wait-reached',
  'verified',
  'viewed',
  'downloaded',
  'replied',
  'revoked',
  'expiry-changed',
  'expired',
]);
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEntry = z.object({
  at: z.string(),
  event: AuditEvent,
  recipient: z.string().optional(),
  /** The admin who did this from the admin console, for whichever sender; absent when the sender or a recipient did. */
  admin: z.string().optional(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditLog = z.object({ entries: z.array(AuditEntry) });
export type AuditLog = z.infer<typeof AuditLog>;

export const ExpiryRequest = z.strictObject({ expiresAt: z.iso.datetime() });
export type ExpiryRequest = z.infer<typeof ExpiryRequest>;
export const RecipientRevokeRequest = z.strictObject({ address: Address });
export type RecipientRevokeRequest = z.infer<typeof RecipientRevokeRequest>;

/** An identity provider a recipient can sign in with: `provider` is the server's id for it, `label` its name. */
export const SignInProvider = z.object({
  provider: z.string().min(1).max(WIRE_LIMITS.signInProviderMax),
  label: z.string().min(1).max(WIRE_LIMITS.signInLabelMax),
});
export type SignInProvider = z.infer<typeof SignInProvider>;

export const PickupInfo = z.object({
  senderName: z.string(),
  senderAddress: z.string(),
  expiresAt: z.string(),
  /** Present when the sender set a passcode: the portal derives the passcode key with it when asked for it. */
  passcodeSalt: b64(16).optional(),
  /**
   * The ways to prove a recipient this message offers (over all its recipients, so no address is named): the
   * identity providers to sign in with, and whether any recipient may ask for a mailed code.
   */
  proofs: z.object({ signIn: z.array(SignInProvider), code: z.boolean() }),
});
export type PickupInfo = z.infer<typeof PickupInfo>;

export const CodeRequest = z.strictObject({ address: Address });
export type CodeRequest = z.infer<typeof CodeRequest>;
/** The same answer whether or not a code went out. */
export const CodeRequestAnswer = z.object({ message: z.string() });
export const VerifyRequest = z.strictObject({ address: Address, code: z.string().max(20) });
export type VerifyRequest = z.infer<typeof VerifyRequest>;
/** A proven recipient's session: the CSRF token, and whether opening needs the sender's passcode. */
export const VerifyResponse = z.object({ csrf: z.string(), needsPasscode: z.boolean() });
export type VerifyResponse = z.infer<typeof VerifyResponse>;
export const OpenRequest = z.strictObject({ passcodeCheck: b64(32).optional() });
export type OpenRequest = z.infer<typeof OpenRequest>;

export const OpenResponse = z.object({
  address: z.string(),
  serverSecret: b64(32),
  /** The wrapped key for this recipient's proof: `passcodeWrappedKey` for `passcode`, else `wrappedKey`. */
  wrappedKey: b64(WRAPPED_KEY_BYTES),
  blobSizes: BlobSizes,
  replyPublicKey: b64(65),
  repliesLeft: z.number().int().min(0),
});
export type OpenResponse = z.infer<typeof OpenResponse>;

export const CreateReplyRequest = z.strictObject({
  ephemeralPublicKey: b64(65),
  /** HMAC under a key derived from the content key `K`: binds the reply to a holder of `K` (docs, "Replies"). */
  tag: b64(32),
  blobCount: z.number().int().min(1).max(MAX_BLOBS),
});
export type CreateReplyRequest = z.infer<typeof CreateReplyRequest>;
export const CreateReplyResponse = z.object({ replyId: MessageId });

export const SenderView = z.object({
  wrappedReplyKey: b64Range(512),
  /** `K` under the sender secret: the sender reads the message itself (`GET /sender/:id/blobs/:n`). */
  senderWrappedKey: b64(WRAPPED_KEY_BYTES),
  blobSizes: BlobSizes,
  replies: z.array(
    z.object({
      id: MessageId,
      from: z.string(),
      at: z.string(),
      ephemeralPublicKey: b64(65),
      tag: b64(32),
      blobSizes: BlobSizes,
    }),
  ),
});
export type SenderView = z.infer<typeof SenderView>;

const AttachmentEntry = z.object({
  name: z.string().max(1000),
  type: z.string().max(200),
  size: z.number().int().min(0),
  salt: b64(16),
});
export type AttachmentEntry = z.infer<typeof AttachmentEntry>;

/** Blob 0 of a message, decrypted. */
export const MessageManifest = z.object({
  v: z.literal(1),
  subject: z.string().max(10_000),
  html: z.string(),
  text: z.string(),
  /**
   * The sender's reply public key, under `K` so that the server cannot swap it: a recipient's portal replies
   * only when the key the server gives at open is this one. Optional only so that older messages still open;
   * without it the portal offers no reply.
   */
  replyPublicKey: b64(65).optional(),
  attachments: z.array(AttachmentEntry).max(MAX_BLOBS - 1),
});
export type MessageManifest = z.infer<typeof MessageManifest>;

/** Blob 0 of a reply, decrypted. */
export const ReplyManifest = z.object({
  v: z.literal(1),
  text: z.string(),
  attachments: z.array(AttachmentEntry).max(MAX_BLOBS - 1),
});
export type ReplyManifest = z.infer<typeof ReplyManifest>;
