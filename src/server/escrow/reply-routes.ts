/**
 * Secure replies: a verified recipient uploads a reply encrypted in the browser to the message's reply key; the
 * sender, proving the sender secret of their own link, fetches the wrapped reply key and the replies. The server
 * stores ciphertext only and cannot read either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../../core/escrow/bytes';
import { CreateReplyRequest, FinalizeReplyRequest, type SenderView } from '../../core/escrow/wire';
import { blobName } from './blobs';
import {
  appendPart,
  audit,
  IdParams,
  jsonSchema,
  sendBlob,
  liveMessage,
  PartQuery,
  requireUploaded,
  sendInBackground,
  type EscrowContext,
} from './context';
import { EscrowError } from './errors';
import { requireSession } from './recipient-session';
import type { MessageRecord, ReplyRecord } from './store';

const PUBLIC = { config: { public: true } } as const;
export const SENDER_ACCESS_HEADER = 'x-sendguard-sender';

const ReplyParams = {
  type: 'object',
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' },
    rid: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' },
    n: { type: 'string', pattern: '^[0-9]{1,3}$' },
  },
  required: ['id', 'rid'],
} as const;

const uploadSet = (reply: ReplyRecord) => ({
  messageId: reply.messageId,
  replyId: reply.id,
  blobCount: reply.blobCount,
});

/** The sender's proof from their link; a wrong one and a missing message answer alike. */
async function senderMessage(ctx: EscrowContext, request: FastifyRequest): Promise<MessageRecord> {
  const { id } = request.params as { id: string };
  const given = String(request.headers[SENDER_ACCESS_HEADER] ?? '');
  const message = await liveMessage(ctx, id).catch(() => undefined);
  const proof = /^[A-Za-z0-9_-]{43}$/.test(given)
    ? createHash('sha256').update(fromBase64Url(given)).digest()
    : undefined;
  if (!message || !proof || !timingSafeEqual(proof, message.senderAccessHash))
    throw new EscrowError(
      'ESCROW_SESSION_INVALID',
      'this sender link is not valid, or the message was revoked or has expired',
    );
  return message;
}

export async function replyRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  app.post(
    '/pickup/:id/replies',
    { ...PUBLIC, schema: { params: IdParams, body: jsonSchema(CreateReplyRequest) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const session = await requireSession(ctx, request, id);
      await liveMessage(ctx, id);
      const mine = (await ctx.store.listReplies(id)).filter((r) => r.address === session.address);
      if (mine.length >= ctx.config.maxRepliesPerRecipient)
        throw new EscrowError(
          'ESCROW_REPLY_LIMIT',
          `you can reply ${ctx.config.maxRepliesPerRecipient} times to this message`,
        );
      const body = request.body as z.infer<typeof CreateReplyRequest>;
      const replyId = ctx.random(16).toString('base64url');
      await ctx.store.insertReply({
        id: replyId,
        messageId: id,
        address: session.address,
        createdAt: ctx.clock.now(),
        ephemeralPublicKey: fromBase64Url(body.ephemeralPublicKey),
        blobCount: body.blobCount,
        blobSizes: null,
      });
      return reply.status(201).send({ replyId });
    },
  );

  const ownReply = async (request: FastifyRequest): Promise<ReplyRecord> => {
    const { id, rid } = request.params as { id: string; rid: string };
    const session = await requireSession(ctx, request, id);
    await liveMessage(ctx, id);
    const record = await ctx.store.getReply(id, rid);
    if (!record || record.address !== session.address || record.blobSizes)
      throw new EscrowError('ESCROW_STATE', 'this reply is not taking uploads');
    return record;
  };

  app.put(
    '/pickup/:id/replies/:rid/blobs/:n',
    {
      ...PUBLIC,
      schema: { params: { ...ReplyParams, required: ['id', 'rid', 'n'] }, querystring: PartQuery },
      bodyLimit: ctx.config.maxPartBytes,
    },
    async (request, reply) => {
      const record = await ownReply(request);
      const n = Number((request.params as { n: string }).n);
      const offset = Number((request.query as { offset: string }).offset);
      await appendPart(ctx, uploadSet(record), n, offset, request.body as Buffer);
      return reply.status(204).send();
    },
  );

  app.post(
    '/pickup/:id/replies/:rid/finalize',
    { ...PUBLIC, schema: { params: ReplyParams, body: jsonSchema(FinalizeReplyRequest) } },
    async (request, reply) => {
      const record = await ownReply(request);
      const { blobSizes } = request.body as z.infer<typeof FinalizeReplyRequest>;
      await requireUploaded(ctx, uploadSet(record), blobSizes);
      await ctx.store.finalizeReply(record.messageId, record.id, blobSizes);
      await audit(ctx, request, record.messageId, 'replied', record.address);
      const message = await liveMessage(ctx, record.messageId);
      if (message.senderAddress)
        sendInBackground(ctx, {
          to: message.senderAddress,
          subject: `Secure reply from ${record.address}`,
          text: `${record.address} replied to a secure message you sent. Open the sender link Sendguard gave you for that message to read the reply.`,
        });
      return reply.status(204).send();
    },
  );

  app.get(
    '/sender/:id',
    { ...PUBLIC, schema: { params: IdParams } },
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

  app.get(
    '/sender/:id/replies/:rid/blobs/:n',
    { ...PUBLIC, schema: { params: { ...ReplyParams, required: ['id', 'rid', 'n'] } } },
    async (request, reply) => {
      const message = await senderMessage(ctx, request);
      const { rid, n } = request.params as { rid: string; n: string };
      const record = await ctx.store.getReply(message.id, rid);
      if (!record?.blobSizes || Number(n) >= record.blobCount)
        throw new EscrowError('NOT_FOUND', 'no such reply');
      return sendBlob(ctx, reply, message.id, blobName(Number(n), rid), record.blobSizes[Number(n)]!);
    },
  );
}
