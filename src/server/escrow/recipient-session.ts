/**
 * The recipient's session after a verified code: a `__Host-` cookie (Secure, HttpOnly, SameSite=Strict, path /)
 * whose SHA-256 the store keeps, plus a CSRF token the page holds in memory and echoes in a header. State-changing
 * recipient routes also need the portal header and a same-origin `Origin`, which a cross-site form cannot fake.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BASE64URL_32_BYTES } from '../../core/escrow/bytes';
import { CSRF_HEADER, PORTAL_REQUEST_HEADER, PORTAL_REQUEST_MARK } from '../../core/escrow/headers';
import type { EscrowContext } from './context';
import { EscrowError, MESSAGES } from './errors';
import type { SessionRecord } from './store';

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

function cookieValue(request: FastifyRequest): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === SESSION_COOKIE && value && BASE64URL_32_BYTES.test(value)) return value;
  }
  return undefined;
}

const hash = (value: string) => createHash('sha256').update(value).digest();

export async function startSession(
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

/** The session for this message, with its CSRF token checked; one error for every way it can fail. */
export async function requireSession(
  ctx: EscrowContext,
  request: FastifyRequest,
  messageId: string,
): Promise<SessionRecord> {
  requirePortalOrigin(ctx, request);
  const value = cookieValue(request);
  const session = value ? await ctx.store.getSession(hash(value)) : undefined;
  const csrf = String(request.headers[CSRF_HEADER] ?? '');
  const csrfOk =
    session !== undefined &&
    csrf.length === session.csrf.length &&
    timingSafeEqual(Buffer.from(csrf), Buffer.from(session.csrf));
  if (!session || session.messageId !== messageId || session.expiresAt <= ctx.clock.now() || !csrfOk)
    throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  const recipient = await ctx.store.getRecipient(messageId, session.address);
  if (recipient?.state !== 'active') throw new EscrowError('ESCROW_SESSION_INVALID', MESSAGES.session);
  return session;
}
