/**
 * Escrow's refusals and their HTTP statuses, applied by the plugin's own error handler (everything else falls
 * through to `server/api/errors`). Recipient-facing messages are deliberately the same whatever went wrong.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { SendguardError } from '../../core/errors';
import { errorResponse } from '../api/errors';

const STATUS: Record<string, number> = {
  ESCROW_CODE_REJECTED: 400,
  ESCROW_PASSCODE_REJECTED: 400,
  ESCROW_INVALID: 400,
  ESCROW_SESSION_INVALID: 401,
  ESCROW_CSRF: 403,
  ESCROW_GONE: 410,
  ESCROW_STATE: 409,
  ESCROW_OFFSET_MISMATCH: 409,
  ESCROW_TOO_LARGE: 413,
  ESCROW_REPLY_LIMIT: 429,
  ESCROW_RATE_LIMITED: 429,
  ESCROW_TRY_LATER: 429,
};

export const MESSAGES = {
  codeRejected:
    'That code is not right, or it has expired. Ask for a new code. After many wrong codes each try has to wait a while first: if this one is right, wait a few minutes and enter it again.',
  passcodeRejected:
    'That passcode is not right. Ask the sender for it; after a few wrong tries each further try has to wait.',
  gone: 'This message is no longer available: the sender revoked it or it expired. Ask the sender to send it again.',
  session: 'Your session has ended. Reload the page from the link in the email and enter a new code.',
} as const;

export class EscrowError extends SendguardError {}

/** A refusal that says when to come back; the answer carries `Retry-After`. Counts nothing. */
export class EscrowWaitError extends EscrowError {
  constructor(
    code: 'ESCROW_RATE_LIMITED' | 'ESCROW_TRY_LATER',
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(code, message);
  }
}

const inWords = (ms: number) => {
  const seconds = Math.ceil(ms / 1000);
  if (seconds === 1) return '1 second';
  return seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
};

/** The client network made too many pickup requests. */
export function rateLimited(retryAfterMs: number): EscrowWaitError {
  return new EscrowWaitError(
    'ESCROW_RATE_LIMITED',
    `Too many requests from your network. Wait ${inWords(retryAfterMs)}, then try again.`,
    retryAfterMs,
  );
}

/** A proven recipient gave too many wrong passcodes in a row. */
export function passcodeWait(retryAfterMs: number): EscrowWaitError {
  return new EscrowWaitError(
    'ESCROW_TRY_LATER',
    `There were too many wrong passcodes. Wait ${inWords(retryAfterMs)}, then enter the passcode again.`,
    retryAfterMs,
  );
}

export function installEscrowErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error instanceof SendguardError ? STATUS[error.code] : undefined;
    const response = status
      ? { status, code: (error as SendguardError).code, message: error.message }
      : errorResponse(error);
    if (error instanceof EscrowWaitError)
      reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
    if (response.status >= 500) request.log.error({ err: error }, 'escrow request failed');
    else request.log.info({ code: response.code }, 'escrow request refused');
    return reply.status(response.status).send({ error: { code: response.code, message: response.message } });
  });
}
