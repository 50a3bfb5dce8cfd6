/**
 * The recipient's session after a proof (a right code, or a verified sign-in): a `__Host-` cookie (Secure,
 * HttpOnly, SameSite=Strict, path /) whose SHA-256 the store keeps, plus a CSRF token the page holds in memory and
 * echoes in a header. State-changing recipient routes also need the portal header and a same-origin `Origin`,
 * which a cross-site form cannot fake.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BASE64URL_32_BYTES } from '../../core/escrow/bytes';
import { CSRF_HEADER, PORTAL_REQUEST_HEADER, PORTAL_REQUEST_MARK } from '../../core/escrow/headers';
import type { VerifyResponse } from '../../core/escrow/wire';
import { cookieValue } from './cookies';
import { audit, type EscrowContext } from './context';
import { EscrowError, MESSAGES } from './errors';
import type { RecipientRecord, SessionRecord } from './store';

const SESSION_COOKIE = '__Host-sg-pickup';

/** Refuses requests that did not come from the portal's own page. */
export function requirePortalOrigin(ctx: EscrowContext, request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (
    request.headers[PORTAL_REQUEST_HEADER] !== PORTAL_REQUEST_MARK ||
    (origin !== undefined && origin !== new URL(ctx.config.publicUrl).origin)
  )
    throw new EscrowError('ESCROW_CSRF', 'this request did not come from the pickup page');
}

function sessionCookie(request: FastifyRequest): string | undefined {
  const value = cookieValue(request, SESSION_COOKIE);
  return value && BASE64URL_32_BYTES.test(value) ? value : undefined;
}

const hash = (value: string) => createHash('sha256').update(value).digest();

async function startSession(
  ctx: EscrowContext,
  reply: FastifyReply,
  messageId: string,
  address: string,
): Promise<string> {
  const value = ctx.random(32).toString('base64url');
  const csrf = ctx.random(32).toString('base64url');
  await ctx.store.insertSession({
    hash: hash(value),
    messageId,
    address,
    csrf,
    expiresAt: ctx.clock.now() + ctx.config.sessionTtlMs,
  });
  const maxAge = Math.floor(ctx.config.sessionTtlMs / 1000);
  reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`,
  );
  return csrf;
}

/** The cookie's live session for this message and its still-active recipient; one error for every way it fails. */
async function cookieSession(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
): Promise<{ session: SessionRecord; recipient: RecipientRecord }> {
  requirePortalOrigin(ctx, request);
  const value = sessionCookie(request);
  const session = value ? await ctx.store.getSession(hash(value)) : undefined;
  if (!session || session.messageId !== messageId || session.expiresAt <= ctx.clock.now())
    throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  const recipient = await ctx.store.getRecipient(messageId, session.address);
  if (recipient?.state !== 'active') throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  return { session, recipient };
}

/** A session with its recipient as it stands now (proof, tries). */
export type RecipientSession = SessionRecord & { recipient: RecipientRecord };

/** The session for this message, with its CSRF token checked; one error for every way it can fail. */
export async function requireSession(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
): Promise<RecipientSession> {
  const { session, recipient } = await cookieSession(ctx, request, messageId);
  const csrf = String(request.headers[CSRF_HEADER] ?? '');
  const csrfOk =
    csrf.length === session.csrf.length && timingSafeEqual(Buffer.from(csrf), Buffer.from(session.csrf));
  if (!csrfOk) throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  return { ...session, recipient };
}

/** What a session tells the page: its CSRF token, and whether opening needs the sender's passcode. */
function sessionAnswer(recipient: RecipientRecord, csrf: string): VerifyResponse {
  return { csrf, needsPasscode: recipient.proof === 'passcode' };
}

/**
 * Starts the session of a recipient whose proof the caller has checked (a right code, or a verified sign-in with
 * the recipient's stored provider): their wrong-code count is reset, `verified` is audited, the cookie set.
 * Refuses (401, as for an ended session) when the address is no active recipient of the message.
 */
export async function startRecipientSession(
  ctx: EscrowContext,
  request: FastifyRequest,
  reply: FastifyReply,
  proven: { messageId: string; address: string },
): Promise<VerifyResponse> {
  const { messageId, address } = proven;
  const recipient = await ctx.store.getRecipient(messageId, address);
  if (recipient?.state !== 'active') throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  await ctx.store.resetTries(messageId, address, 'failures', ctx.clock.now());
  await audit(ctx, request, messageId, 'verified', address);
  return sessionAnswer(recipient, await startSession(ctx, reply, messageId, address));
}

/**
 * The answer for the session the cookie already holds (the page's own request, no CSRF token yet): a sign-in
 * pop-up started it, and the page that opened the pop-up continues with it as after a right code.
 */
export async function currentSessionAnswer(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
): Promise<VerifyResponse> {
  const { session, recipient } = await cookieSession(ctx, request, messageId);
  return sessionAnswer(recipient, session.csrf);
}
