/**
 * Wrong codes and passcodes per recipient. The first few are free; each one after that makes the next try wait
 * (doubling up to a cap), and a right one resets the count. A wait rather than a lock-out: anyone holding the
 * link and knowing an address can cause it, and it must not shut the real recipient out for good. The sender is
 * told once per run of wrong tries, when the wait first reaches its cap.
 */
import type { FastifyRequest } from 'fastify';
import { audit, sendInBackground, type EscrowConfig, type EscrowContext } from './context';
import { guessingNoticeMail } from './mailer';
import type { MessageRecord, RecipientRecord, TryCounter } from './store';

/** The wait after the `over`-th wrong try beyond the free ones (0 while still within them). */
function backoffMs(over: number, backoff: EscrowConfig['backoff']): number {
  if (over <= 0) return 0;
  // 2^32 × firstMs is past any cap; stop doubling there instead of overflowing to Infinity.
  return Math.min(backoff.firstMs * 2 ** Math.min(over - 1, 32), backoff.maxMs);
}

/** How long this recipient must still wait before a try is looked at; 0 when it may try now. */
export function pendingWait(ctx: EscrowContext, recipient: RecipientRecord): number {
  return Math.max(0, (recipient.retryAt ?? 0) - ctx.clock.now());
}

/** Counts one wrong try; beyond `freeTries` in a row the next try has to wait. */
export async function recordWrongTry(
  ctx: EscrowContext,
  request: FastifyRequest,
  message: MessageRecord,
  address: string,
  counter: TryCounter,
  freeTries: number,
): Promise<void> {
  const wrong = await ctx.store.addWrongTry(message.id, address, counter);
  const wait = backoffMs(wrong - freeTries, ctx.config.backoff);
  if (wait > 0) await ctx.store.delayTries(message.id, address, ctx.clock.now() + wait);
  const reachedCap =
    wait === ctx.config.backoff.maxMs && backoffMs(wrong - 1 - freeTries, ctx.config.backoff) < wait;
  if (!reachedCap) return;
  await audit(ctx, request, message.id, 'longest-wait-reached', address);
  if (!message.senderAddress) return;
  sendInBackground(
    ctx,
    guessingNoticeMail(
      message.senderAddress,
      address,
      new Date(message.expiresAt).toISOString(),
      Math.ceil(ctx.config.backoff.maxMs / 60_000),
    ),
  );
}
