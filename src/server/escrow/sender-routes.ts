/**
 * The sender's side (authenticated): create a message, upload its ciphertext, finalize, and manage it
 * afterwards — list, audit log, revoke, change expiry, revoke one recipient. One function per step. The managing
 * routes serve the admin too (`admin/messages.ts`), on any sender's message: the same handlers, reaching messages
 * through a `MessageReach`.
 */
import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { fromBase64Url, toBase64Url } from '../../core/escrow/bytes';
import {
  AuditLog,
  CreateEscrowRequest,
  CreateEscrowResponse,
  ExpiryRequest,
  FinalizeRequest,
  MessageList,
  MessageSummary,
  opensWithoutPasscode,
  RecipientRevokeRequest,
} from '../../core/escrow/wire';
import { jsonSchema } from '../api/schema';
import { ADMIN_ONLY, callerOf } from '../auth/plugin';
import { appendPart, audit, requireMailboxKey, requireUploaded, type EscrowContext } from './context';
import { EscrowError } from './errors';
import { finalizedAlike } from './finalized-again';
import { newRecipients } from './new-recipients';
import { shredMessage } from './purge';
import { senderAccessHash } from './sender-link-routes';
import { BlobParams, IdParams, PartQuery, TAGS } from './route-schemas';
import type { FinalKeys, MessageRecord } from './store';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function ownerOf(request: FastifyRequest): string {
  const caller = callerOf(request);
  return `${caller.kind}:${caller.tenant ?? ''}:${caller.subject}`;
}

const noSuchMessage = () => new EscrowError('NOT_FOUND', 'no such secure message');

/** The caller's own message; someone else's is "not found", not "forbidden", so ids cannot be probed. */
async function ownMessage(ctx: EscrowContext, request: FastifyRequest, id: string): Promise<MessageRecord> {
  const message = await ctx.store.getMessage(id);
  if (!message || message.owner !== ownerOf(request)) throw noSuchMessage();
  return message;
}

/** Any sender's message, for an admin. */
async function anyMessage(ctx: EscrowContext, _request: FastifyRequest, id: string): Promise<MessageRecord> {
  const message = await ctx.store.getMessage(id);
  if (!message) throw noSuchMessage();
  return message;
}

/**
 * Which messages the managing routes reach, and where: the caller's own under `/escrow/messages`, or any
 * sender's under `/admin/messages` for the admin role (whose acts the audit log names: `audit`).
 */
export interface MessageReach {
  /** The routes' path before the message id. */
  base: string;
  /** What every route of the reach is registered with besides its own schema. */
  config?: FastifyContextConfig;
  tags: string[];
  /** The message `id` as the caller may manage it; NOT_FOUND otherwise. */
  find(ctx: EscrowContext, request: FastifyRequest, id: string): Promise<MessageRecord>;
}

const OWN_MESSAGES: MessageReach = { base: '/messages', tags: TAGS, find: ownMessage };
export const ANY_MESSAGE: MessageReach = {
  base: '/admin/messages',
  config: ADMIN_ONLY,
  tags: ['admin'],
  find: anyMessage,
};

/** The caller's own message, while it takes uploads (created, not yet finalized, revoked or expired). */
async function uploadingMessage(
  ctx: EscrowContext,
  request: FastifyRequest,
  id: string,
): Promise<MessageRecord> {
  return requireUploading(await ownMessage(ctx, request, id));
}

const notTakingUploads = () => new EscrowError('ESCROW_STATE', 'this message is not taking uploads');

function requireUploading(message: MessageRecord): MessageRecord {
  if (message.state !== 'uploading') throw notTakingUploads();
  return message;
}

/** A message ends in the future and at most `maxExpiryDays` after it was created; `refusal` says so otherwise. */
function requireExpiryWithin(
  ctx: EscrowContext,
  createdAt: number,
  expiresAt: number,
  refusal: string,
): void {
  if (expiresAt <= ctx.clock.now() || expiresAt > createdAt + ctx.config.maxExpiryDays * DAY)
    throw new EscrowError('ESCROW_INVALID', refusal);
}

export async function summary(ctx: EscrowContext, message: MessageRecord): Promise<MessageSummary> {
  const recipients = await ctx.store.recipients(message.id);
  // An open is the server releasing the keys (`viewed`), which a proof alone (`verifiedAt`) does not show.
  const opened = await ctx.store.firstEvents(message.id, 'viewed');
  return {
    id: message.id,
    state: message.state,
    createdAt: iso(message.createdAt),
    expiresAt: iso(message.expiresAt),
    recipients: recipients.map((r) => ({
      address: r.address,
      proof: r.proof,
      state: r.state,
      ...(r.verifiedAt ? { verifiedAt: iso(r.verifiedAt) } : {}),
      ...(opened.has(r.address) ? { openedAt: iso(opened.get(r.address)!) } : {}),
    })),
    replies: (await ctx.store.listReplies(message.id)).filter((r) => r.blobSizes).length,
  };
}

/**
 * The stored form of a new message: the server secret sealed, the passcode check keyed, the sender proof hashed.
 * The sender is the authenticated caller, never what the request says: an Entra user by name and mailbox, an API
 * token by its owner's. A caller without a mailbox (a token issued without an owner: known by the token's name;
 * development mode: named as such) still sends; with no address the recipients see only the name, and lock-out
 * and reply notices have nowhere to go: the audit log and the sender link are the sender's only view.
 */
function newMessage(
  ctx: EscrowContext,
  request: FastifyRequest<{ Body: CreateEscrowRequest }>,
  id: string,
  serverSecret: Uint8Array,
): MessageRecord {
  const body = request.body;
  const caller = callerOf(request);
  const now = ctx.clock.now();
  return {
    id,
    owner: ownerOf(request),
    senderName: caller.name ?? '',
    senderAddress: caller.address ?? '',
    createdAt: now,
    expiresAt: now + body.expiryDays * DAY,
    state: 'uploading',
    sealedServerSecret: ctx.serverKey.seal(serverSecret, `escrow-server-secret:${id}`),
    wrappedKey: null,
    passcodeWrappedKey: null,
    senderWrappedKey: null,
    blobCount: body.blobCount,
    blobSizes: null,
    passcodeSalt: body.passcode ? fromBase64Url(body.passcode.salt) : null,
    passcodeCheck: body.passcode
      ? ctx.serverKey.mac('escrow-passcode', id, fromBase64Url(body.passcode.check))
      : null,
    replyPublicKey: fromBase64Url(body.replyPublicKey),
    wrappedReplyKey: fromBase64Url(body.wrappedReplyKey),
    senderAccessHash: senderAccessHash(body.senderAccess),
  };
}

function createRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Body: CreateEscrowRequest }>(
    '/messages',
    {
      schema: {
        tags: TAGS,
        body: jsonSchema(CreateEscrowRequest),
        response: { 201: jsonSchema(CreateEscrowResponse, 'output') },
      },
    },
    async (request, reply) => {
      const id = ctx.random(16).toString('base64url');
      const serverSecret = ctx.random(32);
      const message = newMessage(ctx, request, id, serverSecret);
      const refusal = `a secure message can stay at most ${ctx.config.maxExpiryDays} days`;
      requireExpiryWithin(ctx, message.createdAt, message.expiresAt, refusal);
      await ctx.store.insertMessage(message, await newRecipients(ctx, request.body));
      await audit(ctx, request, id, 'created');
      const answer: CreateEscrowResponse = {
        id,
        serverSecret: toBase64Url(serverSecret),
        expiresAt: iso(message.expiresAt),
      };
      return reply.status(201).send(answer);
    },
  );
}

/**
 * The wrapped keys finalize stores, each present exactly when some recipient opens with it: `W` for recipients
 * proven by sign-in or code (so a message only for passcode recipients keeps no key that the link and the
 * server's data alone open), `WP` when the message has a passcode.
 */
async function finalKeys(
  ctx: EscrowContext,
  message: MessageRecord,
  body: FinalizeRequest,
): Promise<FinalKeys> {
  const { wrappedKey, passcodeWrappedKey, senderWrappedKey } = body;
  if (Boolean(passcodeWrappedKey) !== Boolean(message.passcodeCheck))
    throw new EscrowError(
      'ESCROW_INVALID',
      message.passcodeCheck
        ? 'this message has a passcode: finalize needs the passcode-wrapped key'
        : 'this message has no passcode: finalize takes no passcode-wrapped key',
    );
  const withoutPasscode = opensWithoutPasscode(await ctx.store.recipients(message.id));
  if (Boolean(wrappedKey) !== withoutPasscode)
    throw new EscrowError(
      'ESCROW_INVALID',
      withoutPasscode
        ? 'some recipients sign in or get a code: finalize needs the wrapped key without the passcode'
        : 'every recipient needs the passcode: finalize takes no wrapped key without it',
    );
  return {
    wrappedKey: wrappedKey ? fromBase64Url(wrappedKey) : null,
    passcodeWrappedKey: passcodeWrappedKey ? fromBase64Url(passcodeWrappedKey) : null,
    senderWrappedKey: fromBase64Url(senderWrappedKey),
  };
}

/** Stores the final keys and sizes of `message`, every blob complete; false when another request finalized it first. */
async function finalizeUpload(
  ctx: EscrowContext,
  message: MessageRecord,
  body: FinalizeRequest,
): Promise<boolean> {
  const keys = await finalKeys(ctx, message, body);
  await requireUploaded(ctx, { messageId: message.id, blobCount: message.blobCount }, body.blobSizes);
  return ctx.store.finalize(message.id, keys, body.blobSizes);
}

/** Upload parts, then finalize with the wrapped keys once every blob is complete. */
function uploadRoutes(app: FastifyInstance, ctx: EscrowContext): void {
  app.put<{ Params: BlobParams; Querystring: PartQuery; Body: Buffer }>(
    '/messages/:id/blobs/:n',
    {
      schema: { tags: TAGS, params: jsonSchema(BlobParams), querystring: jsonSchema(PartQuery) },
      bodyLimit: ctx.config.maxPartBytes,
    },
    async (request, reply) => {
      const { id, n } = request.params;
      const message = await uploadingMessage(ctx, request, id);
      const set = { messageId: id, blobCount: message.blobCount };
      await appendPart(ctx, set, Number(n), Number(request.query.offset), request.body);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: FinalizeRequest }>(
    '/messages/:id/finalize',
    { schema: { tags: TAGS, params: jsonSchema(IdParams), body: jsonSchema(FinalizeRequest) } },
    async (request, reply) => {
      const { id } = request.params;
      const own = await ownMessage(ctx, request, id);
      if (own.state === 'uploading' && (await finalizeUpload(ctx, own, request.body)))
        return reply.status(204).send();
      // Finalized already, by an earlier try whose answer was lost or by one running at the same time (a retry
      // sent while the first try still worked): the same keys and sizes are answered as done.
      const stored = own.state === 'uploading' ? await ownMessage(ctx, request, id) : own;
      if (!finalizedAlike(stored, request.body)) throw notTakingUploads();
      return reply.status(204).send();
    },
  );
}

/** What the sender may read back: their messages, one message. */
function readRoutes(app: FastifyInstance, ctx: EscrowContext): void {
  app.get(
    '/messages',
    { schema: { tags: TAGS, response: { 200: jsonSchema(MessageList, 'output') } } },
    async (request): Promise<MessageList> => {
      const messages = await ctx.store.listMessages(ownerOf(request));
      return { messages: await Promise.all(messages.map((m) => summary(ctx, m))) };
    },
  );

  app.get<{ Params: IdParams }>(
    '/messages/:id',
    {
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(MessageSummary, 'output') },
      },
    },
    async (request) => summary(ctx, await ownMessage(ctx, request, request.params.id)),
  );
}

/** A message's audit log, as far as `reach` reaches. */
function auditRoute(app: FastifyInstance, ctx: EscrowContext, reach: MessageReach): void {
  app.get<{ Params: IdParams }>(
    `${reach.base}/:id/audit`,
    {
      config: reach.config,
      schema: {
        tags: reach.tags,
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(AuditLog, 'output') },
      },
    },
    async (request): Promise<AuditLog> => {
      const message = await reach.find(ctx, request, request.params.id);
      const entries = (await ctx.store.audit(message.id)).map((e) => ({
        at: iso(e.at),
        event: e.event,
        ...(e.recipient ? { recipient: e.recipient } : {}),
        ...(e.admin ? { admin: e.admin } : {}),
        ...(e.ip ? { ip: e.ip } : {}),
        ...(e.userAgent ? { userAgent: e.userAgent } : {}),
      }));
      return { entries };
    },
  );
}

/** Ending access: the whole message (its keys shredded), or one recipient. */
function revokeRoutes(app: FastifyInstance, ctx: EscrowContext, reach: MessageReach): void {
  app.post<{ Params: IdParams }>(
    `${reach.base}/:id/revoke`,
    { config: reach.config, schema: { tags: reach.tags, params: jsonSchema(IdParams) } },
    async (request, reply) => {
      const message = await reach.find(ctx, request, request.params.id);
      if (message.sealedServerSecret) await shredMessage(ctx, message.id, 'revoked', request);
      return reply.status(204).send();
    },
  );

  app.post<{ Params: IdParams; Body: RecipientRevokeRequest }>(
    `${reach.base}/:id/recipients/revoke`,
    {
      config: reach.config,
      schema: { tags: reach.tags, params: jsonSchema(IdParams), body: jsonSchema(RecipientRevokeRequest) },
    },
    async (request, reply) => {
      const message = await reach.find(ctx, request, request.params.id);
      const address = requireMailboxKey(request.body.address);
      if (!(await ctx.store.revokeRecipient(message.id, address)))
        throw new EscrowError('NOT_FOUND', `${address} is not a recipient of this message`);
      await ctx.store.deleteCode(message.id, address);
      await audit(ctx, request, message.id, 'revoked', address);
      return reply.status(204).send();
    },
  );
}

function expiryRoute(app: FastifyInstance, ctx: EscrowContext, reach: MessageReach): void {
  app.post<{ Params: IdParams; Body: ExpiryRequest }>(
    `${reach.base}/:id/expiry`,
    {
      config: reach.config,
      schema: { tags: reach.tags, params: jsonSchema(IdParams), body: jsonSchema(ExpiryRequest) },
    },
    async (request, reply) => {
      const message = await reach.find(ctx, request, request.params.id);
      const expiresAt = Date.parse(request.body.expiresAt);
      if (!message.sealedServerSecret)
        throw new EscrowError('ESCROW_STATE', 'this message was revoked or has expired');
      const refusal =
        `choose a time in the future, at most ${ctx.config.maxExpiryDays} days after sending; ` +
        'to end access now, revoke';
      requireExpiryWithin(ctx, message.createdAt, expiresAt, refusal);
      await ctx.store.setExpiry(message.id, expiresAt);
      await audit(ctx, request, message.id, 'expiry-changed');
      return reply.status(204).send();
    },
  );
}

/** Managing sent messages (audit log, revoke, expiry) as far as `reach` reaches: the sender's or the admin's. */
export function managingRoutes(app: FastifyInstance, ctx: EscrowContext, reach: MessageReach): void {
  auditRoute(app, ctx, reach);
  revokeRoutes(app, ctx, reach);
  expiryRoute(app, ctx, reach);
}

export async function senderRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  createRoute(app, ctx);
  uploadRoutes(app, ctx);
  readRoutes(app, ctx);
  managingRoutes(app, ctx, OWN_MESSAGES);
}
