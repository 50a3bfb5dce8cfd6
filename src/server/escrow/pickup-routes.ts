/**
 * The recipient's side (public routes): what the link shows (a GET that changes nothing, for pre-fetching
 * scanners), asking for and checking a code, then — in a session — the released server secret and the ciphertext.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fromBase64Url, toBase64Url } from '../../core/escrow/bytes';
import {
  CodeRequest,
  CodeRequestAnswer,
  OpenRequest,
  OpenResponse,
  PickupInfo,
  VerifyRequest,
  VerifyResponse,
} from '../../core/escrow/wire';
import { jsonSchema } from '../api/schema';
import { blobName } from './blobs';
import { mailsCodes, requestCode, verifyCode } from './codes';
import { audit, limitClient, liveMessage, requireMailboxKey, sendBlob, type EscrowContext } from './context';
import { EscrowError, MESSAGES, passcodeWait } from './errors';
import { requirePortalOrigin, requireSession, startRecipientSession } from './recipient-session';
import { BlobParams, IdParams, PUBLIC, TAGS } from './route-schemas';
import type { MessageRecord, RecipientRecord } from './store';
import { pendingWait, recordWrongTry } from './tries';

/**
 * The ways in the message offers, over all its active recipients so that no address is named: the distinct
 * providers recipients can sign in with, and whether any of them may ask for a mailed code.
 */
function proofsOffered(recipients: RecipientRecord[]): PickupInfo['proofs'] {
  const active = recipients.filter((r) => r.state === 'active');
  const providers = new Map(
    active.flatMap((r) => (r.signIn ? [[r.signIn.provider, r.signIn] as const] : [])),
  );
  return { signIn: [...providers.values()], code: active.some(mailsCodes) };
}

/**
 * The passcode proof of a verified `passcode` recipient. The session already shows who they are, so a pending wait
 * is said plainly (429 with Retry-After) and, like the client-network limit, leaves every counter as it was.
 */
async function checkPasscode(
  ctx: EscrowContext,
  request: FastifyRequest,
  message: MessageRecord,
  recipient: RecipientRecord,
  given: string | undefined,
): Promise<void> {
  await limitClient(ctx, request);
  const { address } = recipient;
  const wait = pendingWait(ctx, recipient);
  if (wait > 0) throw passcodeWait(wait);
  const ok =
    given !== undefined &&
    timingSafeEqual(
      ctx.serverKey.mac('escrow-passcode', message.id, fromBase64Url(given)),
      message.passcodeCheck!,
    );
  if (!ok) {
    await recordWrongTry(ctx, request, message, address, 'passcodeFailures', ctx.config.maxPasscodeTries);
    throw new EscrowError('ESCROW_PASSCODE_REJECTED', MESSAGES.passcodeRejected);
  }
  if (recipient.passcodeFailures > 0) await ctx.store.resetTries(message.id, address, 'passcodeFailures');
}

/** What the link shows before any proof: who sent it, until when, the ways to prove a recipient, the passcode salt. */
function infoRoute(app: FastifyInstance, ctx: EscrowContext): void {
  app.get<{ Params: IdParams }>(
    '/pickup/:id',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        response: { 200: jsonSchema(PickupInfo, 'output') },
      },
    },
    async (request): Promise<PickupInfo> => {
      const message = await liveMessage(ctx, request.params.id);
      return {
        senderName: message.senderName,
        senderAddress: message.senderAddress,
        expiresAt: new Date(message.expiresAt).toISOString(),
        ...(message.passcodeSalt ? { passcodeSalt: toBase64Url(message.passcodeSalt) } : {}),
        proofs: proofsOffered(await ctx.store.recipients(message.id)),
      };
    },
  );
}

/** Asking for a code, and trading it for a session. */
function codeRoutes(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Params: IdParams; Body: CodeRequest }>(
    '/pickup/:id/code',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        body: jsonSchema(CodeRequest),
        response: { 202: jsonSchema(CodeRequestAnswer, 'output') },
      },
    },
    async (request, reply) => {
      requirePortalOrigin(ctx, request);
      await requestCode(ctx, request, request.params.id, requireMailboxKey(request.body.address));
      return reply
        .status(202)
        .send({ message: 'If this address is a recipient of the message, a code is on its way.' });
    },
  );

  app.post<{ Params: IdParams; Body: VerifyRequest }>(
    '/pickup/:id/verify',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        body: jsonSchema(VerifyRequest),
        response: { 200: jsonSchema(VerifyResponse, 'output') },
      },
    },
    async (request, reply): Promise<VerifyResponse> => {
      requirePortalOrigin(ctx, request);
      const { id } = request.params;
      const address = requireMailboxKey(request.body.address);
      await verifyCode(ctx, request, id, address, request.body.code);
      return startRecipientSession(ctx, request, reply, { messageId: id, address });
    },
  );
}

/**
 * In a session: the server secret and the wrapped key for the recipient's proof — `WP` after the passcode for a
 * `passcode` recipient, `W` for everyone else — then the ciphertext.
 */
function openRoutes(app: FastifyInstance, ctx: EscrowContext): void {
  app.post<{ Params: IdParams; Body: OpenRequest }>(
    '/pickup/:id/open',
    {
      ...PUBLIC,
      schema: {
        tags: TAGS,
        params: jsonSchema(IdParams),
        body: jsonSchema(OpenRequest),
        response: { 200: jsonSchema(OpenResponse, 'output') },
      },
    },
    async (request): Promise<OpenResponse> => {
      const { id } = request.params;
      const session = await requireSession(ctx, request, id);
      const message = await liveMessage(ctx, id);
      const needsPasscode = session.recipient.proof === 'passcode';
      if (needsPasscode)
        await checkPasscode(ctx, request, message, session.recipient, request.body.passcodeCheck);
      const wrappedKey = needsPasscode ? message.passcodeWrappedKey : message.wrappedKey;
      // Finalize stores the key each recipient's proof opens with; none here means a record from elsewhere.
      if (!wrappedKey) throw new EscrowError('ESCROW_STATE', 'this message holds no key for this recipient');
      const replies = (await ctx.store.listReplies(id)).filter((r) => r.address === session.address).length;
      await audit(ctx, request, id, 'viewed', session.address);
      return {
        address: session.address,
        serverSecret: toBase64Url(
          ctx.serverKey.open(message.sealedServerSecret!, `escrow-server-secret:${id}`),
        ),
        wrappedKey: toBase64Url(wrappedKey),
        blobSizes: message.blobSizes!,
        replyPublicKey: toBase64Url(message.replyPublicKey),
        repliesLeft: Math.max(0, ctx.config.maxRepliesPerRecipient - replies),
      };
    },
  );

  app.get<{ Params: BlobParams }>(
    '/pickup/:id/blobs/:n',
    { ...PUBLIC, schema: { tags: TAGS, params: jsonSchema(BlobParams) } },
    async (request, reply) => {
      const { id } = request.params;
      const session = await requireSession(ctx, request, id);
      const message = await liveMessage(ctx, id);
      const blob = Number(request.params.n);
      if (blob >= message.blobCount) throw new EscrowError('NOT_FOUND', 'no such part of the message');
      if (blob > 0) await audit(ctx, request, id, 'downloaded', session.address);
      return sendBlob(ctx, reply, id, blobName(blob), message.blobSizes![blob]!);
    },
  );
}

export async function pickupRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  infoRoute(app, ctx);
  codeRoutes(app, ctx);
  openRoutes(app, ctx);
}
