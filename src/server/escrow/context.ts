/** What every escrow route handler shares: the injected parts and the few checks they all make. */
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditEvent } from '../../core/escrow/wire';
import type { BlobStore } from './blobs';
import { EscrowError, MESSAGES } from './errors';
import type { Mailer } from './mailer';
import type { EscrowConfig } from './options';
import type { RateWindow } from './rate-window';
import type { ServerKey } from './server-key';
import type { EscrowStore, MessageRecord } from './store';

export interface EscrowContext {
  store: EscrowStore;
  blobs: BlobStore;
  mailer: Mailer;
  config: EscrowConfig;
  serverKey: ServerKey;
  now: () => number;
  random: (size: number) => Buffer;
  /** Per client address: code requests, verifications, passcode tries. */
  perIp: RateWindow;
  log: FastifyBaseLogger;
}

/** JSON Schema for a route from the zod schema the clients share. */
export function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
}

export const IdParams = {
  type: 'object',
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } },
  required: ['id'],
} as const;

/** A message a recipient may still open: finalized, not revoked, not past its expiry (even before the purge ran). */
export async function liveMessage(ctx: EscrowContext, id: string): Promise<MessageRecord> {
  const message = await ctx.store.getMessage(id);
  if (!message || message.state !== 'ready' || !message.sealedServerSecret || message.expiresAt <= ctx.now())
    throw new EscrowError('ESCROW_GONE', MESSAGES.gone);
  return message;
}

export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

export async function audit(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  event: AuditEvent,
  recipient?: string,
): Promise<void> {
  await ctx.store.appendAudit({
    messageId,
    at: ctx.now(),
    event,
    ...(recipient ? { recipient } : {}),
    ip: request.ip,
    userAgent: String(request.headers['user-agent'] ?? '').slice(0, 300),
  });
}

/** Mail that must not delay or shape the answer (a slow relay would reveal which addresses are recipients). */
export function sendInBackground(ctx: EscrowContext, mail: Parameters<Mailer['send']>[0]): void {
  ctx.mailer.send(mail).catch((err: unknown) => ctx.log.error({ err }, 'escrow mail could not be sent'));
}

/** Appends one upload part; the message's whole ciphertext stays under `maxMessageBytes`. */
export async function appendPart(
  ctx: EscrowContext,
  messageId: string,
  name: string,
  offset: number,
  body: Buffer,
  usedBytes: number,
): Promise<void> {
  if (usedBytes + body.length > ctx.config.maxMessageBytes)
    throw new EscrowError(
      'ESCROW_TOO_LARGE',
      `a secure message holds at most ${ctx.config.maxMessageBytes} bytes`,
    );
  if (!(await ctx.blobs.append(messageId, name, offset, body)))
    throw new EscrowError('ESCROW_OFFSET_MISMATCH', `this part does not start where the upload stands`);
}

export const PartQuery = {
  type: 'object',
  properties: { offset: { type: 'string', pattern: '^[0-9]{1,15}$' } },
  required: ['offset'],
  additionalProperties: false,
} as const;
