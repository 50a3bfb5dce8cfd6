/**
 * What the escrow server keeps, behind a narrow interface of its own, in SQLite (`sqlite-store.ts`, on the
 * service's connection) or PostgreSQL (`postgres-store.ts`), both from the statements of `sql-store.ts`. Times are
 * milliseconds since the epoch; secrets are bytes as stored (sealed, hashed or public — never a key that opens
 * a message).
 */
import type { RecipientProof } from '../../core/vocabulary';
import type { AuditEvent, MessageState, RecipientState, SignInProvider } from '../../core/escrow/wire';

export type { MessageState, RecipientState };

/** Where a message stands in the admin's list, newest first: its creation time, then its ID. */
export interface MessagePosition {
  createdAt: number;
  id: string;
}

export interface MessageRecord {
  id: string;
  /** The caller who created it (`Caller.subject`, with its tenant): only they manage it. */
  owner: string;
  senderName: string;
  senderAddress: string;
  createdAt: number;
  expiresAt: number;
  state: MessageState;
  /** The server secret sealed under the server key; null once shredded. */
  sealedServerSecret: Uint8Array | null;
  /**
   * The content key under link and server secret (`W`); null until finalized, once shredded, and for a message
   * whose recipients all need the passcode.
   */
  wrappedKey: Uint8Array | null;
  /** `W` with the passcode key too (`WP`), when the message has a passcode; null otherwise and once shredded. */
  passcodeWrappedKey: Uint8Array | null;
  /** The content key under the sender secret (`WS`); null until finalized, once shredded, and for older messages. */
  senderWrappedKey: Uint8Array | null;
  blobCount: number;
  blobSizes: number[] | null;
  passcodeSalt: Uint8Array | null;
  /** HMAC(server key, passcode check). */
  passcodeCheck: Uint8Array | null;
  replyPublicKey: Uint8Array;
  wrappedReplyKey: Uint8Array;
  /** SHA-256 of the sender-access value derived from the sender secret. */
  senderAccessHash: Uint8Array;
}

export type TryCounter = 'failures' | 'passcodeFailures';

/** A recipient as the sender names it: the address, its proof, and the provider it can sign in with, if any. */
export interface NewRecipient {
  address: string;
  proof: RecipientProof;
  signIn: SignInProvider | null;
}

/** The wrapped keys a finalized message holds. */
export interface FinalKeys {
  wrappedKey: Uint8Array | null;
  passcodeWrappedKey: Uint8Array | null;
  senderWrappedKey: Uint8Array;
}

export interface RecipientRecord extends NewRecipient {
  messageId: string;
  state: RecipientState;
  /** Wrong codes in a row, over all codes; a right one resets it. */
  failures: number;
  /** Wrong passcodes in a row; the right one resets it. */
  passcodeFailures: number;
  /** No try before this time (the back-off after too many wrong ones); null when none is pending. */
  retryAt: number | null;
  verifiedAt: number | null;
}

/** The one live code of a recipient; a new one replaces it. */
export interface CodeRecord {
  messageId: string;
  address: string;
  hash: Uint8Array;
  expiresAt: number;
  tries: number;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value. */
  hash: Uint8Array;
  messageId: string;
  address: string;
  csrf: string;
  expiresAt: number;
}

export interface ReplyRecord {
  id: string;
  messageId: string;
  address: string;
  createdAt: number;
  ephemeralPublicKey: Uint8Array;
  /** The replier's HMAC under a key from `K` (`core/escrow/reply-tag.ts`); null for replies from before tags. */
  tag: Uint8Array | null;
  blobCount: number;
  /** Null while uploading. */
  blobSizes: number[] | null;
}

export interface AuditRecord {
  messageId: string;
  at: number;
  event: AuditEvent;
  recipient?: string;
  /** Who acted through an admin's route (the admin console), for whichever sender. */
  admin?: string;
  ip?: string;
  userAgent?: string;
}

export interface EscrowStore {
  insertMessage(message: MessageRecord, recipients: NewRecipient[]): Promise<void>;
  getMessage(id: string): Promise<MessageRecord | undefined>;
  listMessages(owner: string): Promise<MessageRecord[]>;
  /**
   * Every owner's messages, newest first (by creation, then by ID), at most `limit`; with `before`, only those
   * after that position in this order: the next page starts after the last message of the page before.
   */
  listAllMessages(limit: number, before?: MessagePosition): Promise<MessageRecord[]>;
  /** Whether any message was ever stored (in whatever state): the server key must then not be replaced. */
  hasMessages(): Promise<boolean>;
  /**
   * Stores the keys and sizes of a message still uploading and makes it ready. True when this call did it; false when
   * the message was no longer uploading (finalized by another request, even one running at the same time, revoked
   * or expired). One conditional statement, so of finalizes at once exactly one wins.
   */
  finalize(id: string, keys: FinalKeys, blobSizes: number[]): Promise<boolean>;
  setExpiry(id: string, expiresAt: number): Promise<void>;
  /**
   * Destroys the server secret, wrapped keys, codes and sessions in one transaction. SQLite also leaves no copy in
   * its file; PostgreSQL cannot promise that (old row versions, the WAL), so there the server key closes it.
   */
  shred(id: string, state: 'revoked' | 'expired'): Promise<void>;
  /** Messages past their expiry that still hold key material. */
  expiredIds(now: number): Promise<string[]>;

  recipients(messageId: string): Promise<RecipientRecord[]>;
  getRecipient(messageId: string, address: string): Promise<RecipientRecord | undefined>;
  /**
   * Recipients and their try counters change in single statements, never by writing back a record read
   * earlier: requests that run at once must neither lose a wrong try nor undo a revocation.
   *
   * `revokeRecipient` ends this recipient's access; false when the address is not a recipient of the message.
   */
  revokeRecipient(messageId: string, address: string): Promise<boolean>;
  addWrongTry(messageId: string, address: string, counter: TryCounter): Promise<number>;
  /** No try before `retryAt` (an earlier pending wait that ends later stays). */
  delayTries(messageId: string, address: string, retryAt: number): Promise<void>;
  /** A right try: `counter` back to 0, and `verifiedAt` set when given. */
  resetTries(messageId: string, address: string, counter: TryCounter, verifiedAt?: number): Promise<void>;

  putCode(code: CodeRecord): Promise<void>;
  /**
   * Takes one try of the live code (not expired at `now`, fewer than `maxTries` used) and returns it with the try
   * counted; undefined when there is none. One statement, so requests at once cannot share a try.
   */
  claimCodeTry(
    messageId: string,
    address: string,
    now: number,
    maxTries: number,
  ): Promise<CodeRecord | undefined>;
  deleteCode(messageId: string, address: string): Promise<void>;

  insertSession(session: SessionRecord): Promise<void>;
  getSession(hash: Uint8Array): Promise<SessionRecord | undefined>;

  insertReply(reply: ReplyRecord): Promise<void>;
  getReply(messageId: string, id: string): Promise<ReplyRecord | undefined>;
  /** Stores the sizes of a reply still uploading: true when this call did it, false when it was finalized already. */
  finalizeReply(messageId: string, id: string, blobSizes: number[]): Promise<boolean>;
  listReplies(messageId: string): Promise<ReplyRecord[]>;

  appendAudit(entry: AuditRecord): Promise<void>;
  audit(messageId: string): Promise<AuditRecord[]>;
  countAudit(messageId: string, recipient: string, event: AuditEvent, since: number): Promise<number>;
  /** Each recipient's first entry of `event` in the message's audit log: address -> time. */
  firstEvents(messageId: string, event: AuditEvent): Promise<Map<string, number>>;
  /** Blanks IP and user agent of entries older than `before` (retention policy); the entries stay. */
  forgetNetworkDetails(before: number): Promise<number>;
}
