/**
 * Everything the portal does with the server and with keys, kept out of the React components (STYLE.md habit 7):
 * the recipient's steps — info, code, verify, open, attachments, reply — and the sender's reply reader. Works with
 * any `fetch`, so the same code runs in the page and in Node tests.
 */
import { byteSource } from '../core/escrow/byte-source';
import { equalBytes, fromBase64Url, toBase64Url } from '../core/escrow/bytes';
import {
  CSRF_HEADER,
  PORTAL_REQUEST_HEADER,
  PORTAL_REQUEST_MARK,
  SENDER_ACCESS_HEADER,
} from '../core/escrow/headers';
import { EscrowCryptoError } from '../core/escrow/errors';
import { requestBlob, requestJson, type FetchLike } from '../core/escrow/http';
import { passcodeCheck, passcodeKey, unwrapContentKey } from '../core/escrow/key-wrap';
import { parseFragment, type PickupLink } from '../core/escrow/link';
import { openAttachment, openManifest, packStreams, type AttachmentInput } from '../core/escrow/package';
import { replyTag, replyTagValid } from '../core/escrow/reply-tag';
import {
  replyContentKey,
  replyKeyForRecipient,
  senderAccess,
  unwrapContentKeyForSender,
  unwrapReplyPrivateKey,
} from '../core/escrow/sender-keys';
import type { Key } from '../core/escrow/subtle';
import { createAndUpload } from '../core/escrow/upload';
import {
  CreateReplyResponse,
  MessageManifest,
  OpenResponse,
  PickupInfo,
  ReplyManifest,
  SenderView,
  VerifyResponse,
  type AttachmentEntry,
} from '../core/escrow/wire';
import { SendguardError } from '../core/errors';

export interface ClientOptions {
  /** `<origin>/api/v1/escrow` */
  apiBase: string;
  fetch: FetchLike;
}

/** What marks a request as the pickup page's own, before a session exists. */
const FROM_PORTAL_PAGE: Readonly<Record<string, string>> = { [PORTAL_REQUEST_HEADER]: PORTAL_REQUEST_MARK };

/** Decrypts a whole attachment into a Blob typed as a download, whatever type the sender claimed. */
async function decryptToBlob(
  contentKey: Uint8Array,
  ciphertext: Blob,
  entry: AttachmentEntry,
): Promise<Blob> {
  const parts: Uint8Array[] = [];
  for await (const part of openAttachment(contentKey, byteSource(ciphertext), entry)) parts.push(part);
  return new Blob(parts as BlobPart[], { type: 'application/octet-stream' });
}

/**
 * A call the page made out of turn: an attachment before the message was opened, or one it does not have, or a
 * reply where the message allows none (`replyRefusal`).
 */
export class PickupStateError extends SendguardError {
  constructor(
    code: 'PICKUP_NOT_OPENED' | 'PICKUP_NO_SUCH_ATTACHMENT' | 'PICKUP_REPLY_REFUSED',
    message: string,
  ) {
    super(code, message);
  }
}

/**
 * Why a recipient may not reply: the message names no reply key (it comes from before the manifest carried one),
 * or the key the server gave at open is not the one the sender put in the message.
 */
export type ReplyRefusal = 'no-reply-key' | 'reply-key-mismatch';

/**
 * Replies go only to the reply key inside the manifest, which is under `K`: a key the server gives is just what
 * its database holds, and anyone who can write there could put their own and read the replies.
 */
function replyRefusal(manifest: MessageManifest, fromServer: Uint8Array): ReplyRefusal | undefined {
  if (manifest.replyPublicKey === undefined) return 'no-reply-key';
  return equalBytes(fromBase64Url(manifest.replyPublicKey), fromServer) ? undefined : 'reply-key-mismatch';
}

/** Attachment `index` of a message, its ciphertext (blob `index + 1`) fetched by `ciphertext` and decrypted. */
async function messageAttachment(
  contentKey: Uint8Array,
  manifest: MessageManifest,
  index: number,
  ciphertext: (blob: number) => Promise<Blob>,
): Promise<Blob> {
  const entry = manifest.attachments[index];
  if (!entry) throw new PickupStateError('PICKUP_NO_SUCH_ATTACHMENT', 'no such attachment');
  return decryptToBlob(contentKey, await ciphertext(index + 1), entry);
}

export interface OpenedMessage {
  manifest: MessageManifest;
  address: string;
  repliesLeft: number;
  /** Set when this message takes no reply, and why. */
  replyRefusal?: ReplyRefusal;
}

export class PickupClient {
  private csrf = '';
  private opened?: {
    contentKey: Uint8Array;
    manifest: MessageManifest;
    replyPublicKey: Uint8Array;
    /** The recipient as the server names them: the reply's tag covers it. */
    address: string;
    replyRefusal: ReplyRefusal | undefined;
  };

  constructor(
    private readonly link: PickupLink,
    private readonly options: ClientOptions,
  ) {}

  private url(path: string): string {
    return `${this.options.apiBase}/pickup/${this.link.messageId}${path}`;
  }

  private headers(): Record<string, string> {
    return this.csrf ? { ...FROM_PORTAL_PAGE, [CSRF_HEADER]: this.csrf } : { ...FROM_PORTAL_PAGE };
  }

  info(): Promise<PickupInfo> {
    return requestJson(this.options.fetch, this.url(''), { method: 'GET', headers: {} }, PickupInfo);
  }

  async requestCode(address: string): Promise<void> {
    await requestJson(this.options.fetch, this.url('/code'), {
      method: 'POST',
      headers: this.headers(),
      body: { address },
    });
  }

  /** Trades the mailed code for a session, which this client then uses. */
  async verify(address: string, code: string): Promise<VerifyResponse> {
    const body = { address, code };
    const answer = await requestJson(
      this.options.fetch,
      this.url('/verify'),
      { method: 'POST', headers: this.headers(), body },
      VerifyResponse,
    );
    this.useSession(answer);
    return answer;
  }

  /** Where the sign-in pop-up starts: the service redirects it to the provider. */
  signInUrl(provider: string): string {
    return this.url(`/sign-in/${encodeURIComponent(provider)}`);
  }

  /** The session a sign-in pop-up started (its cookie is this browser's), which this client then uses. */
  async signedInSession(): Promise<VerifyResponse> {
    const init = { method: 'POST', headers: this.headers() };
    const answer = await requestJson(this.options.fetch, this.url('/session'), init, VerifyResponse);
    this.useSession(answer);
    return answer;
  }

  /** Uses a session started elsewhere (a sign-in's pop-up set its cookie): its CSRF token goes on every call. */
  useSession(answer: VerifyResponse): void {
    this.csrf = answer.csrf;
  }

  /** With the passcode (its salt from `info()`) when the session's answer said `needsPasscode`. */
  async open(passcode?: { text: string; salt: string }): Promise<OpenedMessage> {
    const passKey = passcode ? await passcodeKey(passcode.text, fromBase64Url(passcode.salt)) : undefined;
    const check =
      passKey && passcode
        ? { passcodeCheck: toBase64Url(await passcodeCheck(passKey, fromBase64Url(passcode.salt))) }
        : {};
    const answer = await requestJson(
      this.options.fetch,
      this.url('/open'),
      { method: 'POST', headers: this.headers(), body: check },
      OpenResponse,
    );
    const contentKey = await unwrapContentKey(fromBase64Url(answer.wrappedKey), {
      messageId: this.link.messageId,
      linkSecret: this.link.secret,
      serverSecret: fromBase64Url(answer.serverSecret),
      ...(passKey ? { passcodeKey: passKey } : {}),
    });
    const manifestBlob = await requestBlob(this.options.fetch, this.url('/blobs/0'), this.headers());
    const manifest = await openManifest(contentKey, byteSource(manifestBlob), MessageManifest);
    if (manifest.attachments.length !== answer.blobSizes.length - 1)
      throw new EscrowCryptoError('ESCROW_FORMAT_INVALID', 'the message and its attachments do not match');
    const replyPublicKey = fromBase64Url(answer.replyPublicKey);
    const refusal = replyRefusal(manifest, replyPublicKey);
    this.opened = { contentKey, manifest, replyPublicKey, address: answer.address, replyRefusal: refusal };
    return {
      manifest,
      address: answer.address,
      repliesLeft: answer.repliesLeft,
      ...(refusal ? { replyRefusal: refusal } : {}),
    };
  }

  private requireOpened() {
    if (!this.opened) throw new PickupStateError('PICKUP_NOT_OPENED', 'open the message first');
    return this.opened;
  }

  async attachment(index: number): Promise<Blob> {
    const { contentKey, manifest } = this.requireOpened();
    return messageAttachment(contentKey, manifest, index, (n) =>
      requestBlob(this.options.fetch, this.url(`/blobs/${n}`), this.headers()),
    );
  }

  async reply(
    text: string,
    attachments: AttachmentInput[],
    onProgress?: (sent: number, total: number) => void,
  ): Promise<void> {
    const opened = this.requireOpened();
    if (opened.replyRefusal)
      throw new PickupStateError(
        'PICKUP_REPLY_REFUSED',
        `this message takes no reply (${opened.replyRefusal})`,
      );
    const messageId = this.link.messageId;
    const { contentKey, ephemeralPublicKey } = await replyKeyForRecipient(opened.replyPublicKey, messageId);
    const tag = await replyTag({
      contentKey: opened.contentKey,
      messageId,
      from: opened.address,
      ephemeralPublicKey,
    });
    await createAndUpload({
      fetch: this.options.fetch,
      headers: this.headers(),
      collectionUrl: this.url('/replies'),
      create: {
        body: {
          ephemeralPublicKey: toBase64Url(ephemeralPublicKey),
          tag: toBase64Url(tag),
          blobCount: 1 + attachments.length,
        },
        answer: CreateReplyResponse,
        idOf: (answer) => answer.replyId,
      },
      streams: packStreams(contentKey, { text }, attachments),
      ...(onProgress ? { onProgress } : {}),
    });
  }
}

export interface ReadReply {
  /** The tag checked out: a holder of the content key (a proven recipient) made this reply. */
  verified: true;
  from: string;
  at: string;
  text: string;
  attachments: Array<{ name: string; type: string; size: number; blob: Blob }>;
}

/**
 * A reply whose tag does not verify: someone without the content key made it — someone with access to the
 * server. It is neither decrypted nor shown; only who it claims to be from and when. (A reply whose tag verifies
 * but whose ciphertext does not open was altered there: it is shown the same way.)
 */
export interface UnverifiedReply {
  verified: false;
  from: string;
  at: string;
}

/** The sender's own message as their link opens it, and the replies to it. */
export interface SenderReading {
  manifest: MessageManifest;
  /** Attachment `index` of the message, decrypted. */
  attachment(index: number): Promise<Blob>;
  replies: Array<ReadReply | UnverifiedReply>;
}

type SenderViewReply = SenderView['replies'][number];

/** A decryption's refusal becomes `instead`; anything else (the network, the server) still fails the view. */
const unlessAltered =
  <T>(instead: T) =>
  (error: unknown): T => {
    if (error instanceof EscrowCryptoError) return instead;
    throw error;
  };

/** The sender's view through their own link: their copy of the message and every verified reply, decrypted here. */
export class SenderClient {
  constructor(
    private readonly link: PickupLink,
    private readonly options: ClientOptions,
  ) {}

  private get base(): string {
    return `${this.options.apiBase}/sender/${this.link.messageId}`;
  }

  private blob(path: string, headers: Record<string, string>): Promise<Blob> {
    return requestBlob(this.options.fetch, `${this.base}${path}`, headers);
  }

  async read(): Promise<SenderReading> {
    const headers = { [SENDER_ACCESS_HEADER]: toBase64Url(await senderAccess(this.link.secret)) };
    const view = await requestJson(this.options.fetch, this.base, { method: 'GET', headers }, SenderView);
    const messageId = this.link.messageId;
    const contentKey = await unwrapContentKeyForSender(
      fromBase64Url(view.senderWrappedKey),
      this.link.secret,
      messageId,
    );
    const manifest = await openManifest(
      contentKey,
      byteSource(await this.blob('/blobs/0', headers)),
      MessageManifest,
    );
    if (manifest.attachments.length !== view.blobSizes.length - 1)
      throw new EscrowCryptoError('ESCROW_FORMAT_INVALID', 'the message and its attachments do not match');
    const privateKey = await unwrapReplyPrivateKey(fromBase64Url(view.wrappedReplyKey), this.link.secret);
    const replies: SenderReading['replies'] = [];
    for (const reply of view.replies) {
      const tagged = {
        contentKey,
        messageId,
        from: reply.from,
        ephemeralPublicKey: fromBase64Url(reply.ephemeralPublicKey),
      };
      const unverified: UnverifiedReply = { verified: false, from: reply.from, at: reply.at };
      if (!(await replyTagValid(tagged, fromBase64Url(reply.tag)))) replies.push(unverified);
      // A tagged reply whose ciphertext does not open was altered on the server: no better than a forged one.
      else replies.push(await this.openReply(reply, privateKey, headers).catch(unlessAltered(unverified)));
    }
    return {
      manifest,
      attachment: (index) =>
        messageAttachment(contentKey, manifest, index, (n) => this.blob(`/blobs/${n}`, headers)),
      replies,
    };
  }

  private async openReply(
    reply: SenderViewReply,
    privateKey: Key,
    headers: Record<string, string>,
  ): Promise<ReadReply> {
    const ephemeral = fromBase64Url(reply.ephemeralPublicKey);
    const contentKey = await replyContentKey(privateKey, ephemeral, ephemeral, this.link.messageId);
    const blob = (n: number) => this.blob(`/replies/${reply.id}/blobs/${n}`, headers);
    const manifest = await openManifest(contentKey, byteSource(await blob(0)), ReplyManifest);
    const attachments = [];
    for (const [i, entry] of manifest.attachments.entries()) {
      attachments.push({
        name: entry.name,
        type: entry.type,
        size: entry.size,
        blob: await decryptToBlob(contentKey, await blob(i + 1), entry),
      });
    }
    return { verified: true, from: reply.from, at: reply.at, text: manifest.text, attachments };
  }
}

/** The link from the page's fragment, or undefined when it is missing or damaged. */
export function readLink(fragment: string): PickupLink | undefined {
  try {
    return parseFragment(fragment);
  } catch {
    return undefined;
  }
}
