/**
 * One sign-in under way in one browser: state, nonce, PKCE verifier, message, provider and the recipient address
 * the provider was found for, sealed under the server key in a short-lived `__Host-sg-sign-in` cookie
 * (SameSite=Lax, so that the provider's top-level redirect back carries it). Nothing is stored on the server
 * before the callback: a GET that starts a sign-in changes nothing.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieValue } from '../cookies';
import type { ServerKey } from '../server-key';

export const TRANSACTION_COOKIE = '__Host-sg-sign-in';
export const TRANSACTION_TTL_MS = 10 * 60_000;
const AAD = 'escrow-sign-in-transaction';
/** A sealed transaction is a few hundred bytes; anything far longer is not one. */
const MAX_COOKIE_LENGTH = 4096;

export interface SignInTransaction {
  messageId: string;
  provider: string;
  /** The recipient whose domain named the provider: the client is looked up for it again at the callback. */
  via: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  expiresAt: number;
}

/** RFC 7636 §4.2: the S256 challenge of a verifier. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export function setTransactionCookie(
  reply: FastifyReply,
  key: ServerKey,
  transaction: SignInTransaction,
): void {
  const sealed = Buffer.from(key.seal(Buffer.from(JSON.stringify(transaction)), AAD)).toString('base64url');
  const maxAge = Math.floor(TRANSACTION_TTL_MS / 1000);
  reply.header(
    'set-cookie',
    `${TRANSACTION_COOKIE}=${sealed}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`,
  );
}

export function clearTransactionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${TRANSACTION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0`);
}

/** The live transaction this browser holds; undefined when none, expired, or not sealed by this server. */
export function readTransaction(
  request: FastifyRequest,
  key: ServerKey,
  now: number,
): SignInTransaction | undefined {
  const text = cookieValue(request, TRANSACTION_COOKIE);
  if (!text || text.length > MAX_COOKIE_LENGTH) return undefined;
  let transaction: SignInTransaction;
  try {
    transaction = JSON.parse(Buffer.from(key.open(Buffer.from(text, 'base64url'), AAD)).toString('utf8'));
  } catch {
    return undefined; // not ours, altered, or from before a key change: the same "no sign-in under way"
  }
  return transaction.expiresAt > now ? transaction : undefined;
}
