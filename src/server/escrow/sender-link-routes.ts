/**
 * The sender's link (public routes): proving the sender secret of their own link, the sender fetches their copy
 * of the content key, the message's own ciphertext, the wrapped reply key and the replies' ciphertext and tags.
 * The server can read none of it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BASE64URL_32_BYTES, fromBase64Url, toBase64Url } from '../../core/escrow/bytes';
import { SENDER_ACCESS_HEADER } from '../../core/escrow/headers';
import { SenderView } from '../../core/escrow/wire';
import { jsonSchema } from '../api/schema';
import { blobName } from './blobs';
import { findLiveMessage, sendBlob, type EscrowContext } from './context';
import { EscrowError } from './errors';
import { BlobParams, IdParams, PUBLIC, ReplyBlobParams, TAGS } from './route-schemas';
import type { MessageRecord } from './store';

/** What the store keeps of the sender-access value: its SHA-256, so a copy of the database cannot use it. */
export function senderAccessHash(senderAccess: string): Buffer {
  return createHash('sha256').update(fromBase64Url(senderAccess)).digest();
}

/** The sender's proof from their link; a wrong one and a missing message answer alike. */
async function senderMessage(
  ctx: EscrowContext,
  request: FastifyRequest<{ Params: IdParams }>,
): Promise<MessageRecord> {
  const given = String(request.headers[SENDER_ACCESS_HEADER] ?? '');
  const message = await findLiveMessage(ctx, request.params.id);
  const proof = BASE64URL_32_BYTES.test(given) ? senderAccessHash(given) : undefined;
  if (!message || !proof || !timingSafeEqual(proof, message.senderAccessHash))
    throw new EscrowError(
      'ESCROW_SESSION_INVALID',
      'this sender link is not valid, or the message was revoked or has expired',
    );
  return message;
}

export async function senderLinkRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  app.get<{ Params: IdParams }>(
    '/sender/:id',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(SenderView, 'output') },
      },
    },
    async (request): Promise<SenderView> => {
      const message = await senderMessage(ctx, request);
      if (!message.senderWrappedKey)
        throw new EscrowError(
          'ESCROW_STATE',
          'this message was sent by an older Sendguard, which kept no copy for the sender; replies to it cannot be verified',
        );
      const replies = (await ctx.store.listReplies(message.id)).filter((r) => r.blobSizes);
      return {
        wrappedReplyKey: toBase64Url(message.wrappedReplyKey),
        senderWrappedKey: toBase64Url(message.senderWrappedKey),
        blobSizes: message.blobSizes!,
        replies: replies.map((r) => ({
          id: r.id,
          from: r.address,
          at: new Date(r.createdAt).toISOString(),
          ephemeralPublicKey: toBase64Url(r.ephemeralPublicKey),
          // Every reply is stored with its tag; a row made by hand without one gets a tag that never verifies.
          tag: toBase64Url(r.tag ?? new Uint8Array(32)),
          blobSizes: r.blobSizes!,
        })),
      };
    },
  );

  app.get<{ Params: BlobParams }>(
    '/sender/:id/blobs/:n',
    { ...PUBLIC, schema: { tags: TAGS, params: jsonSchema(BlobParams) } },
    async (request, reply) => {
      const message = await senderMessage(ctx, request);
      const n = Number(request.params.n);
      if (n >= message.blobCount) throw new EscrowError('NOT_FOUND', 'no such part of the message');
      return sendBlob(ctx, reply, message.id, blobName(n), message.blobSizes![n]!);
    },
  );

  app.get<{ Params: ReplyBlobParams }>(
    '/sender/:id/replies/:rid/blobs/:n',
    { ...PUBLIC, schema: { tags: TAGS, params: jsonSchema(ReplyBlobParams) } },
    async (request, reply) => {
      const message = await senderMessage(ctx, request);
      const { rid } = request.params;
      const n = Number(request.params.n);
      const record = await ctx.store.getReply(message.id, rid);
      if (!record?.blobSizes || n >= record.blobCount) throw new EscrowError('NOT_FOUND', 'no such reply');
      return sendBlob(ctx, reply, message.id, blobName(n, rid), record.blobSizes[n]!);
    },
  );
}
