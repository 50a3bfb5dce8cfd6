/**
 * Crypto-shredding: the server secret (and the wrapped keys) go first, so that even if deleting the blobs
 * fails half-way what is left cannot be opened; then the ciphertext. The purge runs it for every expired
 * message on a timer, whether or not anybody opens the link again.
 */
import type { FastifyRequest } from 'fastify';
import { audit, type EscrowContext } from './context';

export async function shredMessage(
  ctx: EscrowContext,
  messageId: string,
  reason: 'revoked' | 'expired',
  request?: FastifyRequest,
): Promise<void> {
  await ctx.store.shred(messageId, reason);
  await ctx.blobs.deleteMessage(messageId);
  if (request) await audit(ctx, request, messageId, reason);
  else await ctx.store.appendAudit({ messageId, at: ctx.clock.now(), event: reason });
}

/** One pass: shred what expired, and forget client addresses older than the retention period. */
export async function purgeOnce(ctx: EscrowContext): Promise<{ expired: number; forgotten: number }> {
  const ids = await ctx.store.expiredIds(ctx.clock.now());
  for (const id of ids) await shredMessage(ctx, id, 'expired');
  const forgotten = await ctx.store.forgetNetworkDetails(
    ctx.clock.now() - ctx.config.auditNetworkRetentionMs,
  );
  return { expired: ids.length, forgotten };
}
