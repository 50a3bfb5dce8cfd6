/** What every escrow route handler shares: the injected parts and the few checks they all make. */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { AddressError, addressKey } from '../../core/addresses';
import type { Clock } from '../../core/clock';
import type { AuditEvent } from '../../core/escrow/wire';
import { adminOfRoute } from '../admin/acting-admin';
import { clientNetwork } from '../auth/client-network';
import type { Config } from '../config/schema';
import { blobName, type BlobStore } from './blobs';
import { EscrowError, MESSAGES, offsetMismatch, rateLimited } from './errors';
import type { Mailer } from './mailer';
import type { RateWindow } from './rate-window';
import type { ServerKey } from './server-key';
import type { SignInDirectory } from './sign-in-directory';
import type { EscrowStore, MessageRecord } from './store';

/** `escrow` of the service's configuration, with the service's origin and data directory. */
export type EscrowConfig = Config['escrow'] & Pick<Config, 'publicUrl' | 'dataDir' | 'purgeIntervalMs'>;

export interface EscrowContext {
  store: EscrowStore;
  blobs: BlobStore;
  mailer: Mailer;
  config: EscrowConfig;
  serverKey: ServerKey;
  /** Which identity provider vouches for a recipient's address (`NO_SIGN_IN` where none is configured). */
  signIn: SignInDirectory;
  clock: Clock;
  random: (size: number) => Buffer;
  /** Per client network: code requests, verifications, passcode tries. */
  perIp: RateWindow;
  /** Per recipient and client network: codes mailed. */
  codeRequests: RateWindow;
  log: FastifyBaseLogger;
}

/**
 * A message a recipient may still open: finalized, not revoked, not past its expiry (even before the purge ran);
 * undefined when there is none. A store failure is not "gone": it propagates, and the answer is a 500.
 */
export async function findLiveMessage(ctx: EscrowContext, id: string): Promise<MessageRecord | undefined> {
  const message = await ctx.store.getMessage(id);
  const live =
    message?.state === 'ready' && message.sealedServerSecret && message.expiresAt > ctx.clock.now();
  return live ? message : undefined;
}

/** `findLiveMessage`, refusing with ESCROW_GONE (410) when there is none. */
export async function liveMessage(ctx: EscrowContext, id: string): Promise<MessageRecord> {
  const message = await findLiveMessage(ctx, id);
  if (!message) throw new EscrowError('ESCROW_GONE', MESSAGES.gone);
  return message;
}

/**
 * Refuses with 429 once this client's network is over its limit; a refused request changes no other counter.
 * Returns the network, for the counts kept per network.
 */
export async function limitClient(ctx: EscrowContext, request: FastifyRequest): Promise<string> {
  const network = clientNetwork(request.ip);
  const wait = await ctx.perIp.hit(network, ctx.clock.now());
  if (wait > 0) throw rateLimited(wait);
  return network;
}

/** An address as escrow stores and compares it (`addressKey`); text that is no address is refused. */
export function requireMailboxKey(address: string): string {
  try {
    return addressKey(address);
  } catch (error) {
    if (error instanceof AddressError)
      throw new EscrowError('ESCROW_INVALID', `"${address}" is not an email address`);
    throw error;
  }
}

/** Appends to the message's audit log; an entry written on an admin's route names the admin. */
export async function audit(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  event: AuditEvent,
  recipient?: string,
): Promise<void> {
  const admin = adminOfRoute(request);
  await ctx.store.appendAudit({
    messageId,
    at: ctx.clock.now(),
    event,
    ...(recipient ? { recipient } : {}),
    ...(admin ? { admin } : {}),
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
  });
}

/** Mail that must not delay or shape the answer (a slow relay would reveal which addresses are recipients). */
export function sendInBackground(ctx: EscrowContext, mail: Parameters<Mailer['send']>[0]): void {
  ctx.mailer.send(mail).catch((err: unknown) => ctx.log.error({ err }, 'escrow mail could not be sent'));
}

/** The blobs one upload fills: a message's, or one reply's to it. */
export interface UploadSet {
  messageId: string;
  replyId?: string;
  blobCount: number;
}

async function storedSizes(ctx: EscrowContext, set: UploadSet): Promise<number[]> {
  return Promise.all(
    Array.from({ length: set.blobCount }, (_, n) => ctx.blobs.size(set.messageId, blobName(n, set.replyId))),
  );
}

/**
 * Appends one upload part to blob `n`; the set's whole ciphertext stays under `maxMessageBytes`. A part whose
 * write lands after its message was revoked or purged (the revocation deleted the blobs while this request was
 * past its checks) is deleted again with the rest: the shred comes before the blobs' removal, so one of the two
 * always sees the other.
 */
export async function appendPart(
  ctx: EscrowContext,
  set: UploadSet,
  n: number,
  offset: number,
  body: Buffer,
): Promise<void> {
  if (n >= set.blobCount) throw new EscrowError('ESCROW_STATE', 'there is no such part to upload');
  const used = (await storedSizes(ctx, set)).reduce((a, b) => a + b, 0);
  if (used + body.length > ctx.config.maxMessageBytes)
    throw new EscrowError(
      'ESCROW_TOO_LARGE',
      `a secure message holds at most ${ctx.config.maxMessageBytes} bytes`,
    );
  const appended = await ctx.blobs.append(set.messageId, blobName(n, set.replyId), offset, body);
  // Even a refused append may have made the message's folder again.
  if (!(await ctx.store.getMessage(set.messageId))?.sealedServerSecret) {
    await ctx.blobs.deleteMessage(set.messageId);
    throw new EscrowError('ESCROW_GONE', MESSAGES.gone);
  }
  if (!appended) throw offsetMismatch(await ctx.blobs.size(set.messageId, blobName(n, set.replyId)));
}

/** Finalizing needs every blob complete: the sizes the client claims are the sizes on disk. */
export async function requireUploaded(
  ctx: EscrowContext,
  set: UploadSet,
  blobSizes: number[],
): Promise<void> {
  const stored = await storedSizes(ctx, set);
  if (blobSizes.length !== set.blobCount || stored.some((size, n) => size !== blobSizes[n]))
    throw new EscrowError('ESCROW_STATE', 'the uploaded sizes do not match; upload the missing parts first');
}

/** Ciphertext as a download the browser never renders, streamed from disk. */
export function sendBlob(
  ctx: EscrowContext,
  reply: FastifyReply,
  messageId: string,
  name: string,
  size: number,
) {
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', size)
    .send(ctx.blobs.read(messageId, name));
}
