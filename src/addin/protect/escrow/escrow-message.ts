/**
 * What the add-ins call to escrow a message: encrypt it in the client, upload the ciphertext with progress, and
 * get back the pickup link and the notice that replaces the body. The content key, link secret and sender
 * secret never leave this function except inside the links it returns.
 */
import { fromBase64Url, randomBytes, toBase64Url } from '../../../core/escrow/bytes';
import type { FetchLike } from '../../../core/escrow/http';
import {
  passcodeCheck,
  passcodeKey,
  SECRET_BYTES,
  wrapContentKey,
  type WrapInputs,
} from '../../../core/escrow/key-wrap';
import { pickupUrl } from '../../../core/escrow/link';
import { packStreams, type AttachmentInput } from '../../../core/escrow/package';
import { EscrowCryptoError } from '../../../core/escrow/errors';
import {
  makeReplyKeys,
  senderAccess,
  wrapContentKeyForSender,
  type SenderReplyKeys,
} from '../../../core/escrow/sender-keys';
import { createAndUpload } from '../../../core/escrow/upload';
import {
  CreateEscrowResponse,
  opensWithoutPasscode,
  type CreateEscrowRequest,
  type EscrowRecipient,
  type FinalizeRequest,
} from '../../../core/escrow/wire';
import type { BackendConnection } from '../../backend';
import { pickupNotice } from './notice';

/** The Sendguard server (the portal is served from it too) and the sender's bearer token, if it needs one. */
export interface EscrowMessageOptions extends BackendConnection {
  /**
   * Who the notice in the sent mail names as the sender (Office: `mailbox.userProfile`). The portal, lock-out
   * and reply notices name whom the service authenticated instead; the server takes that from the token.
   */
  sender?: { name: string; address: string };
  message: { subject: string; html: string; text: string; attachments: AttachmentInput[] };
  /** Each recipient with the proof they will give (sign-in, the sender's passcode, or a mailed code). */
  recipients: EscrowRecipient[];
  expiryDays: number;
  /**
   * The secret the sender tells `passcode` recipients by another channel (Argon2id in their browser); required
   * when some recipient's proof is `passcode`, and unused otherwise.
   */
  passcode?: string;
  onProgress?: (sent: number, total: number) => void;
  fetch?: FetchLike;
  /** The source of the content key and the link, sender and salt secrets; WebCrypto's by default. */
  random?: (length: number) => Uint8Array;
}

export interface EscrowedMessage {
  id: string;
  /** For every recipient: the link secret is in the fragment. */
  pickupUrl: string;
  /** For the sender only (replies); keep it with the sent message, never send it to recipients. */
  senderUrl: string;
  expiresAt: string;
  notice: { html: string; text: string };
}

/** The passcode's salt, check and key, when some recipient proves themselves with it; none otherwise. */
async function passcodeFields(options: EscrowMessageOptions, random: (length: number) => Uint8Array) {
  if (!options.recipients.some((r) => r.proof === 'passcode')) return { request: {}, key: undefined };
  const passcode = options.passcode;
  if (!passcode)
    throw new EscrowCryptoError(
      'ESCROW_INPUT_INVALID',
      'set a passcode for the recipients who are to open the message with one',
    );
  const salt = random(16);
  const key = await passcodeKey(passcode, salt);
  return {
    request: { passcode: { salt: toBase64Url(salt), check: toBase64Url(await passcodeCheck(key, salt)) } },
    key,
  };
}

/** What the server keeps: who may pick up and until when, and what only the sender's secret unlocks. */
async function createRequest(
  options: EscrowMessageOptions,
  senderSecret: Uint8Array,
  replyKeys: SenderReplyKeys,
  passcode: Partial<Pick<CreateEscrowRequest, 'passcode'>>,
): Promise<CreateEscrowRequest> {
  return {
    recipients: options.recipients,
    expiryDays: options.expiryDays,
    blobCount: 1 + options.message.attachments.length,
    replyPublicKey: toBase64Url(replyKeys.publicKey),
    wrappedReplyKey: toBase64Url(replyKeys.wrappedPrivateKey),
    senderAccess: toBase64Url(await senderAccess(senderSecret)),
    ...passcode,
  };
}

/**
 * The content key as finalize carries it: `W` for recipients proven by sign-in or code (none when every recipient
 * needs the passcode, so that the link and the server's data alone never open it), `WP` (with the passcode key)
 * for passcode recipients, `WS` for the sender's own link.
 */
async function wrappedKeys(
  contentKey: Uint8Array,
  recipients: EscrowRecipient[],
  secrets: WrapInputs & { senderSecret: Uint8Array },
): Promise<Omit<FinalizeRequest, 'blobSizes'>> {
  const { senderSecret, passcodeKey: withPasscode, ...inputs } = secrets;
  return {
    ...(opensWithoutPasscode(recipients)
      ? { wrappedKey: toBase64Url(await wrapContentKey(contentKey, inputs)) }
      : {}),
    ...(withPasscode
      ? {
          passcodeWrappedKey: toBase64Url(
            await wrapContentKey(contentKey, { ...inputs, passcodeKey: withPasscode }),
          ),
        }
      : {}),
    senderWrappedKey: toBase64Url(await wrapContentKeyForSender(contentKey, senderSecret, inputs.messageId)),
  };
}

export async function escrowMessage(options: EscrowMessageOptions): Promise<EscrowedMessage> {
  // Bound: called as a method of another object, the browser's fetch throws "Illegal invocation".
  const fetch = options.fetch ?? (globalThis.fetch.bind(globalThis) as unknown as FetchLike);
  const api = `${options.backendUrl.replace(/\/+$/, '')}/api/v1/escrow`;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const sender = options.sender ?? { name: '', address: '' };
  const random = options.random ?? randomBytes;
  const contentKey = random(SECRET_BYTES);
  const linkSecret = random(SECRET_BYTES);
  const senderSecret = random(SECRET_BYTES);
  const passcode = await passcodeFields(options, random);
  const replyKeys = await makeReplyKeys(senderSecret);
  const { subject, html, text, attachments } = options.message;
  // The reply key inside the manifest too, under `K`: recipients reply only to the key the sender chose.
  const manifest = { subject, html, text, replyPublicKey: toBase64Url(replyKeys.publicKey) };

  const created = await createAndUpload({
    fetch,
    headers,
    collectionUrl: `${api}/messages`,
    create: {
      body: await createRequest(options, senderSecret, replyKeys, passcode.request),
      answer: CreateEscrowResponse,
      idOf: (answer) => answer.id,
    },
    streams: packStreams(contentKey, manifest, attachments),
    finalizeFields: (answer) =>
      wrappedKeys(contentKey, options.recipients, {
        messageId: answer.id,
        linkSecret,
        serverSecret: fromBase64Url(answer.serverSecret),
        senderSecret,
        ...(passcode.key ? { passcodeKey: passcode.key } : {}),
      }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const link = pickupUrl(options.backendUrl, {
    role: 'recipient',
    messageId: created.id,
    secret: linkSecret,
  });
  return {
    id: created.id,
    pickupUrl: link,
    senderUrl: pickupUrl(options.backendUrl, { role: 'sender', messageId: created.id, secret: senderSecret }),
    expiresAt: created.expiresAt,
    notice: pickupNotice({
      senderName: sender.name,
      senderAddress: sender.address,
      pickupUrl: link,
      expiresAt: new Date(created.expiresAt),
      proofs: new Set(options.recipients.map((r) => r.proof)),
    }),
  };
}
