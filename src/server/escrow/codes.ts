/**
 * Proof that the person at the page reads a recipient's mailbox: a one-time code mailed to the address
 * (docs/escrow-protocol.md, flow 5). Both steps answer identically whatever fails, so the page cannot be used
 * to learn who the recipients are, whether an address is locked, or how close a guess was.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { senderLabel } from '../../core/escrow/sender-label';
import { audit, liveMessage, sendInBackground, type EscrowContext } from './context';
import { EscrowError, MESSAGES } from './errors';
import { codeMail, lockoutMail } from './mailer';
import type { MessageRecord, RecipientRecord } from './store';

const HOUR = 3_600_000;

function codeHash(ctx: EscrowContext, messageId: string, address: string, code: string): Uint8Array {
  return ctx.serverKey.mac('escrow-code', messageId, address, code);
}

/** Mails a code when everything allows it; silently does nothing otherwise. */
export async function requestCode(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  address: string,
): Promise<void> {
  if (!ctx.perIp.hit(request.ip, ctx.now())) return;
  const message = await liveMessage(ctx, messageId).catch(() => undefined);
  const recipient = message && (await ctx.store.getRecipient(messageId, address));
  if (!message || recipient?.state !== 'active') return;
  const sent = await ctx.store.countAudit(messageId, address, 'code-sent', ctx.now() - HOUR);
  if (sent >= ctx.config.codesPerRecipientPerHour) return;
  const code = String(randomInt(0, 10 ** ctx.config.codeDigits)).padStart(ctx.config.codeDigits, '0');
  await ctx.store.putCode({
    messageId,
    address,
    hash: codeHash(ctx, messageId, address, code),
    expiresAt: ctx.now() + ctx.config.codeTtlMs,
    tries: 0,
  });
  await audit(ctx, request, messageId, 'code-sent', address);
  sendInBackground(
    ctx,
    codeMail(
      address,
      code,
      senderLabel(message.senderName, message.senderAddress),
      ctx.config.codeTtlMs / 60_000,
    ),
  );
}

/** Consumes the code on success; on failure counts the try and may lock the recipient out. */
export async function verifyCode(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  address: string,
  code: string,
): Promise<void> {
  const reject = new EscrowError('ESCROW_CODE_REJECTED', MESSAGES.codeRejected);
  if (!ctx.perIp.hit(request.ip, ctx.now())) throw reject;
  const message = await liveMessage(ctx, messageId).catch(() => undefined);
  const recipient = message && (await ctx.store.getRecipient(messageId, address));
  if (!message || !recipient || recipient.state !== 'active') throw reject;
  const stored = await ctx.store.getCode(messageId, address);
  if (!stored || stored.expiresAt <= ctx.now()) throw reject;
  const given = codeHash(ctx, messageId, address, code.replace(/\s+/g, ''));
  if (timingSafeEqual(given, stored.hash)) {
    await ctx.store.deleteCode(messageId, address);
    await ctx.store.updateRecipient({ ...recipient, verifiedAt: ctx.now() });
    await audit(ctx, request, messageId, 'verified', address);
    return;
  }
  const tries = stored.tries + 1;
  if (tries >= ctx.config.maxCodeTries) await ctx.store.deleteCode(messageId, address);
  else await ctx.store.updateCodeTries(messageId, address, tries);
  await audit(ctx, request, messageId, 'code-failed', address);
  await countFailure(ctx, request, message, recipient, 'failures', ctx.config.maxFailures);
  throw reject;
}

/** One more failed try (code or passcode); at the limit the recipient is locked out and the sender told. */
export async function countFailure(
  ctx: EscrowContext,
  request: FastifyRequest,
  message: MessageRecord,
  recipient: RecipientRecord,
  counter: 'failures' | 'passcodeFailures',
  limit: number,
): Promise<void> {
  const updated = { ...recipient, [counter]: recipient[counter] + 1 };
  const locked = updated[counter] >= limit;
  await ctx.store.updateRecipient(locked ? { ...updated, state: 'locked' } : updated);
  if (!locked) return;
  await ctx.store.deleteCode(message.id, recipient.address);
  await audit(ctx, request, message.id, 'locked', recipient.address);
  if (!message.senderAddress) return;
  sendInBackground(
    ctx,
    lockoutMail(message.senderAddress, recipient.address, new Date(message.expiresAt).toISOString()),
  );
}
