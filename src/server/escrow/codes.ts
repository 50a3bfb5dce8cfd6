/**
 * Proof that the person at the page reads a recipient's mailbox: a one-time code mailed to the address
 * (docs/escrow-protocol.md, flow 5). Past the client-network limit (429, the same for every address), both steps
 * answer identically whatever fails, so the page cannot be used to learn who the recipients are, whether an
 * address has to wait, or how close a guess was.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { senderLabel } from '../../core/escrow/sender-label';
import { audit, findLiveMessage, limitClient, sendInBackground, type EscrowContext } from './context';
import { EscrowError, MESSAGES } from './errors';
import { codeMail } from './mailer';
import type { RecipientRecord } from './store';
import { pendingWait, recordWrongTry } from './tries';

const HOUR = 3_600_000;

function codeHash(ctx: EscrowContext, messageId: string, address: string, code: string): Uint8Array {
  return ctx.serverKey.mac('escrow-code', messageId, address, code);
}

/** Recipients a code is mailed to: for a passcode recipient it keeps strangers with the link out, no more. */
const MAILED_CODE_PROOFS: ReadonlySet<string> = new Set(['code', 'passcode']);

/** Whether this recipient may ask for a mailed code: active, and proven by `code` or `passcode`. */
export function mailsCodes(recipient: RecipientRecord): boolean {
  return recipient.state === 'active' && MAILED_CODE_PROOFS.has(recipient.proof);
}

/**
 * Mails a code when everything allows it (a recipient whose proof is `code` or `passcode`: a `sign-in` recipient
 * signs in instead, and a code mailed to them would cross the route their proof keeps clear of); silently does
 * nothing otherwise. Codes are counted per recipient and client network, and per recipient in all with a larger
 * share, so requests from one network cannot use up what the recipient needs.
 */
export async function requestCode(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  address: string,
): Promise<void> {
  const network = await limitClient(ctx, request);
  const message = await findLiveMessage(ctx, messageId);
  const recipient = message && (await ctx.store.getRecipient(messageId, address));
  if (!message || !recipient || !mailsCodes(recipient)) return;
  const sent = await ctx.store.countAudit(messageId, address, 'code-sent', ctx.clock.now() - HOUR);
  if (sent >= ctx.config.codeMailsPerRecipientPerHour) return;
  if ((await ctx.codeRequests.hit(`${messageId} ${address} ${network}`, ctx.clock.now())) > 0) return;
  const code = String(randomInt(0, 10 ** ctx.config.codeDigits)).padStart(ctx.config.codeDigits, '0');
  await ctx.store.putCode({
    messageId,
    address,
    hash: codeHash(ctx, messageId, address, code),
    expiresAt: ctx.clock.now() + ctx.config.codeTtlMs,
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

/**
 * Consumes the code on success (the caller then starts the session, which resets the wrong-code count); a wrong
 * code counts against the code and the recipient. While the recipient has to wait, a try is refused unlooked-at:
 * the code stays usable afterwards.
 */
export async function verifyCode(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
  address: string,
  code: string,
): Promise<void> {
  await limitClient(ctx, request);
  const reject = new EscrowError('ESCROW_CODE_REJECTED', MESSAGES.codeRejected);
  const message = await findLiveMessage(ctx, messageId);
  const recipient = message && (await ctx.store.getRecipient(messageId, address));
  if (!message || !recipient || recipient.state !== 'active') throw reject;
  if (pendingWait(ctx, recipient) > 0) throw reject;
  const claimed = await ctx.store.claimCodeTry(messageId, address, ctx.clock.now(), ctx.config.maxCodeTries);
  if (!claimed) throw reject;
  const given = codeHash(ctx, messageId, address, code.replace(/\s+/g, ''));
  if (timingSafeEqual(given, claimed.hash)) {
    await ctx.store.deleteCode(messageId, address);
    return;
  }
  if (claimed.tries >= ctx.config.maxCodeTries) await ctx.store.deleteCode(messageId, address);
  await audit(ctx, request, messageId, 'code-failed', address);
  await recordWrongTry(ctx, request, message, address, 'failures', ctx.config.maxFailures);
  throw reject;
}
