/**
 * The recipient's side (public routes): what the link shows (a GET that changes nothing, for pre-fetching
 * scanners), asking for and checking a code, then — in a session — the released server secret and the ciphertext.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../../core/escrow/bytes';
import {
  CodeRequest,
  OpenRequest,
  VerifyRequest,
  type OpenResponse,
  type PickupInfo,
} from '../../core/escrow/wire';
import { blobName } from './blobs';
import { requestCode, verifyCode } from './codes';
import {
  audit,
  limitClient,
  BlobParams,
  IdParams,
  jsonSchema,
  sendBlob,
  liveMessage,
  normalizeAddress,
  type EscrowContext,
} from './context';
import { EscrowError, MESSAGES, passcodeWait } from './errors';
import { requirePortalOrigin, requireSession, startSession } from './recipient-session';
import type { MessageRecord } from './store';
import { pendingWait, recordWrongTry } from './tries';

const PUBLIC = { config: { public: true } } as const;

type OpenBody = z.infer<typeof OpenRequest>;

/**
 * The passcode proof of a verified recipient. The session already shows who they are, so a pending wait is
 * said plainly (429 with Retry-After) and, like the client-network limit, leaves every counter as it was.
 */
async function checkPasscode(
  ctx: EscrowContext,
  request: FastifyRequest,
  message: MessageRecord,
  address: string,
  given: string | undefined,
): Promise<void> {
  limitClient(ctx, request);
  const recipient = await ctx.store.getRecipient(message.id, address);
  if (!recipient) throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
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

export async function pickupRoutes(app: FastifyInstance, ctx: EscrowContext): Promise<void> {
  app.get(
    '/pickup/:id',
    { ...PUBLIC, schema: { params: IdParams } },
    async (request): Promise<PickupInfo> => {
      const message = await liveMessage(ctx, (request.params as { id: string }).id);
      return {
        senderName: message.senderName,
        senderAddress: message.senderAddress,
        expiresAt: new Date(message.expiresAt).toISOString(),
        ...(message.passcodeSalt ? { passcodeSalt: toBase64Url(message.passcodeSalt) } : {}),
      };
    },
  );

  app.post(
    '/pickup/:id/code',
    { ...PUBLIC, schema: { params: IdParams, body: jsonSchema(CodeRequest) } },
    async (request, reply) => {
      requirePortalOrigin(ctx, request);
      const { address } = request.body as z.infer<typeof CodeRequest>;
      await requestCode(ctx, request, (request.params as { id: string }).id, normalizeAddress(address));
      return reply
        .status(202)
        .send({ message: 'If this address is a recipient of the message, a code is on its way.' });
    },
  );

  app.post(
    '/pickup/:id/verify',
    { ...PUBLIC, schema: { params: IdParams, body: jsonSchema(VerifyRequest) } },
    async (request, reply) => {
      requirePortalOrigin(ctx, request);
      const { id } = request.params as { id: string };
      const body = request.body as z.infer<typeof VerifyRequest>;
      const address = normalizeAddress(body.address);
      await verifyCode(ctx, request, id, address, body.code);
      return { csrf: await startSession(ctx, reply, id, address) };
    },
  );

  app.post(
    '/pickup/:id/open',
    { ...PUBLIC, schema: { params: IdParams, body: jsonSchema(OpenRequest) } },
    async (request): Promise<OpenResponse> => {
      const { id } = request.params as { id: string };
      const session = await requireSession(ctx, request, id);
      const message = await liveMessage(ctx, id);
      if (message.passcodeCheck)
        await checkPasscode(ctx, request, message, session.address, (request.body as OpenBody).passcodeCheck);
      const replies = (await ctx.store.listReplies(id)).filter((r) => r.address === session.address).length;
      await audit(ctx, request, id, 'viewed', session.address);
      return {
        address: session.address,
        serverSecret: toBase64Url(
          ctx.serverKey.open(message.sealedServerSecret!, `escrow-server-secret:${id}`),
        ),
        wrappedKey: toBase64Url(message.wrappedKey!),
        blobSizes: message.blobSizes!,
        replyPublicKey: toBase64Url(message.replyPublicKey),
        repliesLeft: Math.max(0, ctx.config.maxRepliesPerRecipient - replies),
      };
    },
  );

  app.get('/pickup/:id/blobs/:n', { ...PUBLIC, schema: { params: BlobParams } }, async (request, reply) => {
    const { id, n } = request.params as { id: string; n: string };
    const session = await requireSession(ctx, request, id);
    const message = await liveMessage(ctx, id);
    const blob = Number(n);
    if (blob >= message.blobCount) throw new EscrowError('NOT_FOUND', 'no such part of the message');
    if (blob > 0) await audit(ctx, request, id, 'downloaded', session.address);
    return sendBlob(ctx, reply, id, blobName(blob), message.blobSizes![blob]!);
  });
}
