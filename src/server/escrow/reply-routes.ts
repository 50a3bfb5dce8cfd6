/**
 * Secure replies, the recipient's side: a verified recipient uploads a reply encrypted in the browser to the
 * message's reply key. The server stores ciphertext only and cannot read it. The sender reads replies through
 * their own link (`sender-link-routes.ts`).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fromBase64Url } from '../../core/escrow/bytes';
import { CreateReplyRequest, CreateReplyResponse, FinalizeReplyRequest } from '../../core/escrow/wire';
import { jsonSchema } from '../api/schema';
import {
  appendPart,
  audit,
  liveMessage,
  requireUploaded,
  sendInBackground,
  type EscrowContext,
  type UploadSet,
} from './context';
import { EscrowError } from './errors';
import { sameSizes } from './finalized-again';
import { requireSession } from './recipient-session';
import { IdParams, PartQuery, PUBLIC, ReplyBlobParams, ReplyParams, TAGS } from './route-schemas';
import type { ReplyRecord } from './store';

const uploadSet = (reply: ReplyRecord): UploadSet => ({
  messageId: reply.messageId,
  replyId: reply.id,
  blobCount: reply.blobCount,
});

const notTakingUploads = () => new EscrowError('ESCROW_STATE', 'this reply is not taking uploads');

/** The session's own reply to this message, finalized or not. */
async function sessionReply(
  ctx: EscrowContext,
  request: FastifyRequest<{ Params: ReplyParams }>,
): Promise<ReplyRecord> {
  const { id, rid } = request.params;
  const session = await requireSession(ctx, request, id);
  await liveMessage(ctx, id);
  const record = await ctx.store.getReply(id, rid);
  if (!record || record.address !== session.address) throw notTakingUploads();
  return record;
}

/** The session's own reply to this message, while it still takes uploads. */
async function ownReply(
  ctx: EscrowContext,
  request: FastifyRequest<{ Params: ReplyParams }>,
): Promise<ReplyRecord> {
  const record = await sessionReply(ctx, request);
  if (record.blobSizes) throw notTakingUploads();
  return record;
}

function createRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Params: IdParams; Body: CreateReplyRequest }>(
    '/pickup/:id/replies',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        body: jsonSchema(CreateReplyRequest),
        response: { 201: jsonSchema(CreateReplyResponse, 'output') },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const session = await requireSession(ctx, request, id);
      await liveMessage(ctx, id);
      const mine = (await ctx.store.listReplies(id)).filter((r) => r.address === session.address);
      if (mine.length >= ctx.config.maxRepliesPerRecipient)
        throw new EscrowError(
          'ESCROW_REPLY_LIMIT',
          `you can reply ${ctx.config.maxRepliesPerRecipient} times to this message`,
        );
      const replyId = ctx.random(16).toString('base64url');
      await ctx.store.insertReply({
        id: replyId,
        messageId: id,
        address: session.address,
        createdAt: ctx.clock.now(),
        ephemeralPublicKey: fromBase64Url(request.body.ephemeralPublicKey),
        tag: fromBase64Url(request.body.tag),
        blobCount: request.body.blobCount,
        blobSizes: null,
      });
      return reply.status(201).send({ replyId });
    },
  );
}

function uploadRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.put<{ Params: ReplyBlobParams; Querystring: PartQuery; Body: Buffer }>(
    '/pickup/:id/replies/:rid/blobs/:n',
    {
      ...PUBLIC,
      schema: { tags: TAGS, params: jsonSchema(ReplyBlobParams), querystring: jsonSchema(PartQuery) },
      bodyLimit: ctx.config.maxPartBytes,
    },
    async (request, reply) => {
      const record = await ownReply(ctx, request);
      const { n } = request.params;
      await appendPart(ctx, uploadSet(record), Number(n), Number(request.query.offset), request.body);
      return reply.status(204).send();
    },
  );
}

/**
 * A complete reply: stored for the sender, who is told by mail at the address the service authenticated when the
 * message was created (nothing a request says can send it elsewhere), when there is one.
 *
 * Of finalizes of one reply (a client's retry may run while its first try still works, its answer lost to the
 * proxy's time-out) only the one whose conditional update stores the sizes audits and mails; a repeat with the same
 * sizes is answered as done. The audit entry and the mail are at most once: a node that dies after storing the reply
 * and before them leaves the reply unaudited and unmailed, and the retry is answered as done. The stored reply is
 * the truth, and the sender still sees it: the add-in's sent list counts the stored replies and the sender link lists
 * them, whatever was mailed.
 */
function finalizeRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Params: ReplyParams; Body: FinalizeReplyRequest }>(
    '/pickup/:id/replies/:rid/finalize',
    {
      ...PUBLIC,
      schema: { tags: TAGS, params: jsonSchema(ReplyParams), body: jsonSchema(FinalizeReplyRequest) },
    },
    async (request, reply) => {
      const record = await sessionReply(ctx, request);
      const { blobSizes } = request.body;
      if (!record.blobSizes) {
        await requireUploaded(ctx, uploadSet(record), blobSizes);
        if (await ctx.store.finalizeReply(record.messageId, record.id, blobSizes)) {
          await tellSender(ctx, request, record);
          return reply.status(204).send();
        }
      }
      // Finalized already, by an earlier try whose answer was lost or by one running at the same time.
      const stored = record.blobSizes ?? (await sessionReply(ctx, request)).blobSizes;
      if (!sameSizes(stored, blobSizes)) throw notTakingUploads();
      return reply.status(204).send();
    },
  );
}

/** The audit entry of a reply just stored, and the notice to its message's sender. */
async function tellSender(ctx: EscrowContext, request: FastifyRequest, record: ReplyRecord): Promise<void> {
  await audit(ctx, request, record.messageId, 'replied', record.address);
  const message = await liveMessage(ctx, record.messageId);
  if (message.senderAddress)
    sendInBackground(ctx, {
      to: message.senderAddress,
      subject: `Secure reply from ${record.address}`,
      text: `${record.address} replied to a secure message you sent. Open the sender link Sendguard gave you for that message to read the reply.`,
    });
}

export async function replyRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  createRoute(app, ctx);
  uploadRoute(app, ctx);
  finalizeRoute(app, ctx);
}
