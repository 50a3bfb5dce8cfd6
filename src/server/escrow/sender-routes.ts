/**
 * The sender's side (authenticated): create a message, upload its ciphertext, finalize, and manage it
 * afterwards — list, audit log, revoke, change expiry, revoke one recipient.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { toBase64Url, fromBase64Url } from '../../core/escrow/bytes';
import {
  CreateEscrowRequest,
  ExpiryRequest,
  FinalizeRequest,
  RecipientRevokeRequest,
  type AuditEntry,
  type MessageSummary,
} from '../../core/escrow/wire';
import { callerOf } from '../auth/plugin';
import {
  appendPart,
  audit,
  BlobParams,
  IdParams,
  jsonSchema,
  normalizeAddress,
  PartQuery,
  requireUploaded,
  type EscrowContext,
} from './context';
import { EscrowError } from './errors';
import { shredMessage } from './purge';
import type { MessageRecord } from './store';
import type { z } from 'zod';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function ownerOf(request: FastifyRequest): string {
  const caller = callerOf(request);
  return `${caller.kind}:${caller.tenant ?? ''}:${caller.subject}`;
}

/** The caller's own message; someone else's is "not found", not "forbidden", so ids cannot be probed. */
async function ownMessage(ctx: EscrowContext, request: FastifyRequest, id: string): Promise<MessageRecord> {
  const message = await ctx.store.getMessage(id);
  if (!message || message.owner !== ownerOf(request))
    throw new EscrowError('NOT_FOUND', 'no such secure message');
  return message;
}

async function summary(ctx: EscrowContext, message: MessageRecord): Promise<MessageSummary> {
  const recipients = await ctx.store.recipients(message.id);
  return {
    id: message.id,
    state: message.state,
    createdAt: iso(message.createdAt),
    expiresAt: iso(message.expiresAt),
    recipients: recipients.map((r) => ({
      address: r.address,
      state: r.state,
      ...(r.verifiedAt ? { verifiedAt: iso(r.verifiedAt) } : {}),
    })),
    replies: (await ctx.store.listReplies(message.id)).filter((r) => r.blobSizes).length,
  };
}

export async function senderRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  app.post('/messages', { schema: { body: jsonSchema(CreateEscrowRequest) } }, async (request, reply) => {
    const body = request.body as z.infer<typeof CreateEscrowRequest>;
    if (body.expiryDays > ctx.config.maxExpiryDays)
      throw new EscrowError(
        'ESCROW_INVALID',
        `a secure message can stay at most ${ctx.config.maxExpiryDays} days`,
      );
    const id = ctx.random(16).toString('base64url');
    const serverSecret = ctx.random(32);
    const now = ctx.clock.now();
    await ctx.store.insertMessage(
      {
        id,
        owner: ownerOf(request),
        senderName: body.senderName,
        senderAddress: body.senderAddress ? normalizeAddress(body.senderAddress) : '',
        createdAt: now,
        expiresAt: now + body.expiryDays * DAY,
        state: 'uploading',
        sealedServerSecret: ctx.serverKey.seal(serverSecret, `escrow-server-secret:${id}`),
        wrappedKey: null,
        blobCount: body.blobCount,
        blobSizes: null,
        passcodeSalt: body.passcode ? fromBase64Url(body.passcode.salt) : null,
        passcodeCheck: body.passcode
          ? ctx.serverKey.mac('escrow-passcode', id, fromBase64Url(body.passcode.check))
          : null,
        replyPublicKey: fromBase64Url(body.replyPublicKey),
        wrappedReplyKey: fromBase64Url(body.wrappedReplyKey),
        senderAccessHash: createHash('sha256').update(fromBase64Url(body.senderAccess)).digest(),
      },
      [...new Set(body.recipients.map(normalizeAddress))],
    );
    await audit(ctx, request, id, 'created');
    return reply
      .status(201)
      .send({ id, serverSecret: toBase64Url(serverSecret), expiresAt: iso(now + body.expiryDays * DAY) });
  });

  app.put(
    '/messages/:id/blobs/:n',
    { schema: { params: BlobParams, querystring: PartQuery }, bodyLimit: ctx.config.maxPartBytes },
    async (request, reply) => {
      const { id, n } = request.params as { id: string; n: string };
      const message = await ownMessage(ctx, request, id);
      if (message.state !== 'uploading')
        throw new EscrowError('ESCROW_STATE', 'this message is not taking uploads');
      const offset = Number((request.query as { offset: string }).offset);
      await appendPart(
        ctx,
        { messageId: id, blobCount: message.blobCount },
        Number(n),
        offset,
        request.body as Buffer,
      );
      return reply.status(204).send();
    },
  );

  app.post(
    '/messages/:id/finalize',
    { schema: { params: IdParams, body: jsonSchema(FinalizeRequest) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as z.infer<typeof FinalizeRequest>;
      const message = await ownMessage(ctx, request, id);
      if (message.state !== 'uploading')
        throw new EscrowError('ESCROW_STATE', 'this message is already finalized');
      await requireUploaded(ctx, { messageId: id, blobCount: message.blobCount }, body.blobSizes);
      await ctx.store.finalize(id, fromBase64Url(body.wrappedKey), body.blobSizes);
      return reply.status(204).send();
    },
  );

  app.get('/messages', async (request) => {
    const messages = await ctx.store.listMessages(ownerOf(request));
    return { messages: await Promise.all(messages.map((m) => summary(ctx, m))) };
  });

  app.get('/messages/:id', { schema: { params: IdParams } }, async (request) => {
    return summary(ctx, await ownMessage(ctx, request, (request.params as { id: string }).id));
  });

  app.get('/messages/:id/audit', { schema: { params: IdParams } }, async (request) => {
    const message = await ownMessage(ctx, request, (request.params as { id: string }).id);
    const entries: AuditEntry[] = (await ctx.store.audit(message.id)).map((e) => ({
      at: iso(e.at),
      event: e.event,
      ...(e.recipient ? { recipient: e.recipient } : {}),
      ...(e.ip ? { ip: e.ip } : {}),
      ...(e.userAgent ? { userAgent: e.userAgent } : {}),
    }));
    return { entries };
  });

  app.post('/messages/:id/revoke', { schema: { params: IdParams } }, async (request, reply) => {
    const message = await ownMessage(ctx, request, (request.params as { id: string }).id);
    if (message.sealedServerSecret) await shredMessage(ctx, message.id, 'revoked', request);
    return reply.status(204).send();
  });

  app.post(
    '/messages/:id/expiry',
    { schema: { params: IdParams, body: jsonSchema(ExpiryRequest) } },
    async (request, reply) => {
      const message = await ownMessage(ctx, request, (request.params as { id: string }).id);
      const expiresAt = Date.parse((request.body as z.infer<typeof ExpiryRequest>).expiresAt);
      if (!message.sealedServerSecret)
        throw new EscrowError('ESCROW_STATE', 'this message was revoked or has expired');
      if (expiresAt <= ctx.clock.now() || expiresAt > message.createdAt + ctx.config.maxExpiryDays * DAY)
        throw new EscrowError(
          'ESCROW_INVALID',
          `choose a time in the future, at most ${ctx.config.maxExpiryDays} days after sending; to end access now, revoke`,
        );
      await ctx.store.setExpiry(message.id, expiresAt);
      await audit(ctx, request, message.id, 'expiry-changed');
      return reply.status(204).send();
    },
  );

  app.post(
    '/messages/:id/recipients/revoke',
    { schema: { params: IdParams, body: jsonSchema(RecipientRevokeRequest) } },
    async (request, reply) => {
      const message = await ownMessage(ctx, request, (request.params as { id: string }).id);
      const address = normalizeAddress((request.body as z.infer<typeof RecipientRevokeRequest>).address);
      if (!(await ctx.store.revokeRecipient(message.id, address)))
        throw new EscrowError('NOT_FOUND', `${address} is not a recipient of this message`);
      await ctx.store.deleteCode(message.id, address);
      await audit(ctx, request, message.id, 'revoked', address);
      return reply.status(204).send();
    },
  );
}
