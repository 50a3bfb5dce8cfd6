/**
 * The sender's link (public routes): proving the sender secret of their own link, the sender fetches the
 * wrapped reply key and the replies' ciphertext. The server cannot read either.
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
import { IdParams, PUBLIC, ReplyBlobParams, TAGS } from './route-schemas';
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
      const replies = (await ctx.store.listReplies(message.id)).filter((r) => r.blobSizes);
      return {
        wrappedReplyKey: toBase64Url(message.wrappedReplyKey),
        replies: replies.map((r) => ({
          id: r.id,
          from: r.address,
          at: new Date(r.createdAt).toISOString(),
          ephemeralPublicKey: toBase64Url(r.ephemeralPublicKey),
          blobSizes: r.blobSizes!,
        })),
      };
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
